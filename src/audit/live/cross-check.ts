import type { KubeClient } from "../../kube/types.js";
import type { Finding } from "../../model/report.js";
import { applyFindingAnswers, findingQuestions } from "../confirm.js";
import { describeRef } from "../finding-text.js";
import { askReviews, type ReviewBatchOptions } from "./reviews.js";
import { applyPathAnswers, pathQuestions } from "../paths/confirm-paths.js";
import type { Catalogue } from "../rule-types.js";
import { CROSS_CHECK_DEADLINE_MS } from "../deadlines.js";

/*
 * The live audit's cross-check, whole: the questions of every finding (confirm.ts) and of every
 * attack-path hop (paths/confirm-paths.ts) asked as one batch (reviews.ts), so identical
 * questions are asked once and the connections stay busy until the last answer. No finding is left
 * out; when the deadline stops the batch, the findings it left unconfirmed say so, and one warning
 * names them.
 */

/** How many findings a deadline warning names before it says "and N more". */
const NAMED = 5;

/** Confirms every finding and every attack-path hop the server can be asked about. */
export async function crossCheck(
  client: KubeClient,
  catalogue: Catalogue,
  findings: readonly Finding[],
  options: Partial<ReviewBatchOptions> = {},
): Promise<{ findings: Finding[]; warnings: string[] }> {
  const questions = findingQuestions(catalogue, findings);
  const batch = await askReviews(client, [...questions.filter((question) => question !== undefined), ...pathQuestions(findings)], {
    deadlineMs: CROSS_CHECK_DEADLINE_MS,
    ...options,
  });
  const confirmed = applyFindingAnswers(findings, questions, batch);
  const paths = applyPathAnswers(confirmed.findings, batch);
  const warnings = [...confirmed.warnings, ...paths.warnings];
  if (batch.deadlinePassed) {
    const late = paths.findings.filter((finding) => finding.unconfirmed !== undefined && finding.confirmation === undefined);
    const named = late.slice(0, NAMED).map((finding) => `${finding.rule} for ${describeRef(finding.subject ?? { kind: "?", name: "?" })}`);
    const more = late.length > NAMED ? ` and ${late.length - NAMED} more` : "";
    warnings.push(
      `the SubjectAccessReview cross-check stopped at its deadline (${batch.deadlinePassed}) after ${batch.answered + batch.failed} of ${batch.distinct} distinct reviews: ${late.length} finding${late.length === 1 ? " is" : "s are"} not confirmed (${named.join("; ")}${more}); each says why in "unconfirmed".`,
    );
  }
  return { findings: paths.findings, warnings };
}
