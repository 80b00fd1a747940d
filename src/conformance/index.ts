/** Conformance: expected RBAC (from --expect files) against observed behaviour and live objects. */
export { expectedVerdict, type ExpectedVerdict } from "./expected.js";
export { diffRbac } from "./diff.js";
export { checkDrift, readLiveCounterparts, objectTarget } from "./live-objects.js";
export { readLiveRbac, type LiveRbac } from "./live-rbac.js";
