import { createKubeClient } from "../../src/kube/client.js";
import type { Connection } from "../../src/connect/types.js";

/** What the API server says about a connection: /version status and the SelfSubjectReview user. */
export interface ObservedIdentity {
  versionStatus: number;
  username?: string;
  groups: string[];
  log: string[];
}

/** GET /version and POST a SelfSubjectReview over a fresh client for the connection. */
export async function observeIdentity(connection: Connection): Promise<ObservedIdentity> {
  const log: string[] = [];
  const client = createKubeClient(connection, { log: (line) => log.push(line) });
  try {
    const version = await client.request({ path: "/version" });
    if (!version.ok) throw new Error(`GET /version failed: ${version.failure.code}: ${version.failure.message}`);
    const review = await client.request({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    if (!review.ok) throw new Error(`SelfSubjectReview failed: ${review.failure.code}: ${review.failure.message}`);
    const userInfo = (review.response.json as { status?: { userInfo?: { username?: string; groups?: string[] } } } | undefined)?.status?.userInfo;
    if (review.response.status !== 201) throw new Error(`SelfSubjectReview answered ${review.response.status}: ${review.response.text.slice(0, 300)}`);
    return { versionStatus: version.response.status, username: userInfo?.username, groups: userInfo?.groups ?? [], log };
  } finally {
    await client.close();
  }
}
