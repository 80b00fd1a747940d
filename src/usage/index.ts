/** Least privilege from real use: audit log in, per-identity usage, unused grants and minimal RBAC out. */
export { observationOf, type AuditObservation } from "./audit-event.js";
export { expandLogPaths, readLogLines, DEFAULT_MAX_LINE_BYTES, type LineBatch, type LogLineOptions } from "./log-lines.js";
export { readUsage, type UsageQuery, type UsageRead } from "./read-usage.js";
export { learnRbac, learnedScopes, type LearnedRbac, type LearnedScope } from "./learn.js";
export { rulesForRequests, MAX_RESOURCE_NAMES } from "./learn-rules.js";
export { learnedYaml, type LearnedFrom, type LearnedIdentity } from "./learned-yaml.js";
export { usageOutcome, usageSection, DENIED_REQUEST_RULE, UNUSED_GRANT_RULE, type GrantedRbac, type UsageOutcome } from "./usage-report.js";
export { nothingToReport, type UsageProblem } from "./problems.js";
