import { pathFacts } from "../paths/facts.js";
import { analysePaths, type PathAnalysis } from "../paths/analysis.js";
import type { PathOptions } from "../paths/findings.js";
import type { AuditRun } from "./types.js";

/*
 * The attack-path analysis of one audit run, shared by the path rules (cluster-admin-path,
 * high-value-identity-path): the identity graph and the cluster-admin routes are built once.
 */

const analyses = new WeakMap<AuditRun, { analysis: PathAnalysis; options: PathOptions }>();

/** The run's path analysis and the options its findings are made with, built on first use. */
export function pathAnalysisOf(run: AuditRun): { analysis: PathAnalysis; options: PathOptions } {
  let found = analyses.get(run);
  if (!found) {
    const facts = pathFacts(run.prepared.snapshot, run.options);
    const options: PathOptions = { facts, expectations: run.expectations, ...(run.options.subject ? { subject: run.options.subject } : {}) };
    analyses.set(run, (found = { analysis: analysePaths(run.prepared, facts), options }));
  }
  return found;
}
