import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type YAMLMap } from "yaml";
import { MAX_KUBECONFIG_BYTES } from "../../connect/kubeconfig/load.js";
import { readTextFile } from "../../input/read-text-file.js";
import { locatedParseErrors } from "../../input/yaml-limits.js";
import { InputError } from "../../model/errors.js";
import type { MastersEvidence } from "../masters-findings.js";

/*
 * `--kubeconfig-scan FILE...`: the client certificates of every user in the given kubeconfigs, as
 * evidence for the system:masters rule. Only certificates are read (they are public); keys, tokens
 * and exec plugins are never touched, run or printed.
 */

/** The subject of a certificate as CN and O values (node prints one `KEY=value` per line). */
function subjectParts(certificate: X509Certificate): { commonName: string; organizations: string[] } {
  const parts = { commonName: "", organizations: [] as string[] };
  for (const line of certificate.subject.split("\n")) {
    const equals = line.indexOf("=");
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    if (key === "CN") parts.commonName = value;
    else if (key === "O") parts.organizations.push(value);
  }
  return parts;
}

function certificateBytes(user: YAMLMap, file: string): Buffer | undefined {
  const data = user.get("client-certificate-data");
  if (typeof data === "string" && data.length > 0) return Buffer.from(data, "base64");
  const path = user.get("client-certificate");
  if (typeof path === "string" && path.length > 0) {
    const full = resolve(dirname(file), path);
    try {
      return readFileSync(full);
    } catch {
      throw new InputError(`--kubeconfig-scan: cannot read the client certificate ${full}`, { file });
    }
  }
  return undefined;
}

/** Evidence from one kubeconfig file: one item per user with a client certificate. Unreadable files are an `InputError`. */
export function scanKubeconfig(file: string): MastersEvidence[] {
  // The same reader as the connection's kubeconfigs: size limit, strict decoding, located parse errors.
  let text: string;
  try {
    text = readTextFile(file, { what: "kubeconfig", maxBytes: MAX_KUBECONFIG_BYTES });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const reason = error.code === "E_ENCODING" ? `not a kubeconfig (the file ${error.message})` : error.message;
    throw new InputError(`--kubeconfig-scan: ${reason}`, { file, line: error.line, column: error.column });
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const [problem] = locatedParseErrors(document, lines);
  if (problem) throw new InputError(`--kubeconfig-scan: not a kubeconfig (${problem.message})`, { file, line: problem.line, column: problem.column });
  if (!isMap(document.contents))
    throw new InputError("--kubeconfig-scan: not a kubeconfig (expected a YAML mapping with clusters, users and contexts)", { file });
  const users = document.contents.get("users", true);
  const evidence: MastersEvidence[] = [];
  if (!isSeq(users)) return evidence;
  for (const entry of users.items) {
    if (!isMap(entry)) continue;
    const name = String(entry.get("name") ?? "");
    const user = entry.get("user", true);
    if (!isMap(user)) continue;
    const bytes = certificateBytes(user, file);
    if (!bytes) continue;
    const line = entry.range ? lines.linePos(entry.range[0]).line : 1;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(bytes);
    } catch {
      throw new InputError(`--kubeconfig-scan: the client certificate of user "${name}" is not a readable X.509 certificate`, { file, line });
    }
    evidence.push({
      kind: "client-certificate",
      file,
      line,
      user: name,
      ...subjectParts(certificate),
      notAfter: new Date(certificate.validTo).toISOString().slice(0, 10),
    });
  }
  return evidence;
}
