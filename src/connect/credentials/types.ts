import type { Secret } from "../../model/secret.js";

/** What a request needs to authenticate: headers, and possibly a client certificate for TLS. */
export interface AuthMaterial {
  /** Header name → value; the values are secrets and never logged. */
  headers: Record<string, Secret>;
  /** A client certificate an exec plugin returned (static certificates are part of the TLS setup). */
  clientCertificate?: { cert: string; key: Secret; generation: number };
}

/**
 * Credentials for the next request, or why there are none. `aborted`: the caller's signal fired
 * (the run's deadline) before the credentials were ready.
 */
export type AuthResult = { ok: true; material: AuthMaterial } | { ok: false; message: string; aborted?: true };

/** Produces fresh credentials per request (token files rotate, exec credentials expire). */
export interface CredentialProvider {
  /** Credentials for the next request; `signal` stops the wait (and an exec plugin nobody waits for). Never throws. */
  get(signal?: AbortSignal): Promise<AuthResult>;
  /**
   * Called after a 401. Returns true when asking again may give different credentials (an exec
   * plugin is re-run once per credential generation, as client-go does); the caller then retries once.
   */
  refreshAfterUnauthorized(): boolean;
  /** Every secret value seen so far, so foreign error messages can be redacted. */
  secrets(): Secret[];
  /** Stops whatever the provider still runs (an exec plugin); called when the client closes. */
  dispose?(): void;
}

/** A provider for connections without header credentials (none, client certificate). */
export const noHeaderCredentials: CredentialProvider = {
  async get() {
    return { ok: true, material: { headers: {} } };
  },
  refreshAfterUnauthorized: () => false,
  secrets: () => [],
};
