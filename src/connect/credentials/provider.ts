import { ConnectionConfigError } from "../../model/errors.js";
import { Secret } from "../../model/secret.js";
import type { Connection } from "../types.js";
import { execProvider } from "./exec.js";
import { bearer, tokenFileProvider } from "./token-file.js";
import { noHeaderCredentials, type CredentialProvider } from "./types.js";

function staticHeader(value: Secret, secrets: Secret[]): CredentialProvider {
  return {
    async get() {
      return { ok: true, material: { headers: { authorization: value } } };
    },
    refreshAfterUnauthorized: () => false,
    secrets: () => secrets,
  };
}

/**
 * The credential source for a connection's `credentials`. Client certificates from the kubeconfig
 * are part of the TLS setup, not of this provider. `auth-provider` is refused with a
 * `ConnectionConfigError`: those plugins (gcp, azure, oidc) were removed from client-go.
 */
export function createCredentialProvider(connection: Connection): CredentialProvider {
  const credentials = connection.credentials;
  switch (credentials.kind) {
    case "none":
    case "client-certificate":
      return noHeaderCredentials;
    case "token":
      return staticHeader(bearer(credentials.token), [credentials.token]);
    case "token-file":
      return tokenFileProvider(credentials.path);
    case "basic": {
      const encoded = Buffer.from(`${credentials.username}:${credentials.password.reveal()}`).toString("base64");
      return staticHeader(new Secret(`Basic ${encoded}`), [credentials.password, new Secret(encoded)]);
    }
    case "exec":
      return execProvider(credentials, connection);
    case "auth-provider":
      throw new ConnectionConfigError(
        `user "${connection.user ?? ""}" uses auth-provider "${credentials.name}", which saprobe does not support (client-go removed these providers); configure an exec plugin instead (for example gke-gcloud-auth-plugin or kubelogin)`,
      );
  }
}
