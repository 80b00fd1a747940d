import type { ProbeKind } from "../checks/types.js";
import { accessReviewProbe } from "./access-review.js";
import { anonymousProbe } from "./anonymous.js";
import { getProbe } from "./get.js";
import { listProbe } from "./list.js";
import { logsProbe } from "./logs.js";
import { rawProbe } from "./raw.js";
import { tlsProbe } from "./tls.js";
import { tokenProbe } from "./token.js";
import type { Probe } from "./types.js";
import { versionProbe } from "./version.js";
import { watchProbe } from "./watch.js";
import { whoamiProbe } from "./whoami.js";

/** Every probe kind's module, keyed by the `probe` field of a check. */
export const PROBES: Readonly<Record<ProbeKind, Probe>> = Object.freeze({
  tls: tlsProbe,
  anonymous: anonymousProbe,
  version: versionProbe,
  whoami: whoamiProbe,
  token: tokenProbe,
  list: listProbe,
  watch: watchProbe,
  get: getProbe,
  logs: logsProbe,
  "access-review": accessReviewProbe,
  raw: rawProbe,
});
