#!/usr/bin/env node
// Runs saprobe's audit over the RBAC test cases of the tools it is measured against, and prints, per
// peer and per case, what the peer expects, what saprobe finds, and whether they agree (docs/peers.md).
//
//   node scripts/peers/compare.mjs [--mirrors DIR] [--peer NAME]... [--own] [--cases DIR] [--disagreements] [--json]
//
// The peers' files are never committed: they are read from the snapshots the `fetch` tool brings to
// DIR (default $SAPROBE_PEER_MIRRORS, else /work/.mirror). `--own` runs only our committed cases,
// `--cases DIR` only the cases of DIR (written in the format of own-cases.mjs).
// Needs the build: `npm run build` first.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bindUnbound, verdict } from "./judge.mjs";
import { casesIn } from "./own-cases.mjs";
import { auditCase, mapLimited, SAPROBE } from "./run-saprobe.mjs";
import { openSource } from "./source.mjs";
import { verdictFor } from "./verdicts.mjs";
import * as kics from "./peers/kics.mjs";
import * as kubeLinter from "./peers/kube-linter.mjs";
import * as kubescape from "./peers/kubescape.mjs";
import * as kubiscan from "./peers/kubiscan.mjs";
import * as polaris from "./peers/polaris.mjs";
import * as rbacPolice from "./peers/rbac-police.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The peers, by the name used on the command line and in docs/peers.md. */
export const PEERS = { kubescape, polaris, "kube-linter": kubeLinter, kics, kubiscan, "rbac-police": rbacPolice };
/** Our own committed cases, which need no mirror. */
export const OWN_CASES = join(HERE, "cases", "own");

/** A target as the report prints it: Kind [namespace/]name. */
export const targetText = (t) => `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;

/** Audits each case once and judges each of its expectations; resolves to one row per expectation. */
export async function compareCases(peer, cases, { concurrency = 2 } = {}) {
  const runs = await mapLimited(cases, concurrency, (item) => {
    const targets = item.expectations.map((e) => e.target);
    const files = item.judgesDefinitions ? bindUnbound(item.files, targets) : item.files;
    return auditCase(files);
  });
  return cases.flatMap((item, index) =>
    item.expectations.map((expectation) => {
      const run = runs[index];
      const saprobe = verdict(run.findings, expectation, item.saprobeRules);
      const key = `${peer} ${item.id} ${targetText(expectation.target)}`;
      return {
        peer,
        case: item.id,
        peerRule: item.peerRule,
        target: targetText(expectation.target),
        boundByCompare: Boolean(expectation.target.boundByCompare),
        peerFlags: expectation.flagged,
        saprobeFlags: saprobe.flagged,
        matched: saprobe.matched,
        other: saprobe.other,
        errors: run.errors,
        agree: expectation.flagged === saprobe.flagged,
        verdict: verdictFor(peer, item.id, targetText(expectation.target)) ?? (item.why ? { right: "peer-wrong", why: item.why } : undefined),
        note: item.note,
        key,
      };
    }),
  );
}

/** Finds a peer's files under the mirror root; undefined with the way to get them when absent. */
export function locate(name, mirrors) {
  const wanted = [PEERS[name].SOURCE.mirror].flat();
  for (const relative of wanted) {
    const source = openSource(join(mirrors, relative));
    if (source) return { source };
  }
  return {
    missing: `no snapshot at ${wanted.map((w) => join(mirrors, w)).join(" or ")}: fetch ${PEERS[name].SOURCE.fetch} (the fetch tool puts it under /work/.mirror), or pass --mirrors DIR`,
  };
}

function summaryLine(peer, rows, description) {
  const agree = rows.filter((r) => r.agree).length;
  const cases = new Set(rows.map((r) => r.case)).size;
  return `== ${peer} (${description}): ${cases} cases, ${rows.length} expectations, ${agree} agree, ${rows.length - agree} disagree`;
}

function rowLine(row) {
  const yesNo = (flag) => (flag ? "flagged" : "not flagged");
  const found = row.matched.length ? row.matched.join(" ") : "-";
  const other = row.other.length ? `; also ${row.other.join(" ")}` : "";
  const bound = row.boundByCompare ? " (bound to User peer-probe by compare)" : "";
  const head = `  ${row.agree ? "agree   " : "DISAGREE"} ${row.case} | ${row.target}${bound} | ${row.peerRule}: ${yesNo(row.peerFlags)} | saprobe: ${yesNo(row.saprobeFlags)} [${found}${other}]`;
  const lines = [head];
  if (row.errors.length) lines.push(`           saprobe errors: ${row.errors.join("; ")}`);
  if (!row.agree) lines.push(`           ${row.verdict ? `${row.verdict.right}: ${row.verdict.why}` : "NO VERDICT RECORDED in scripts/peers/verdicts.mjs"}`);
  return lines.join("\n");
}

async function main(argv) {
  const args = { peers: [], mirrors: process.env.SAPROBE_PEER_MIRRORS ?? "/work/.mirror", own: false, cases: undefined, json: false, disagreements: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--mirrors") args.mirrors = argv[++i];
    else if (arg === "--peer") args.peers.push(argv[++i]);
    else if (arg === "--own") args.own = true;
    else if (arg === "--cases") args.cases = argv[++i];
    else if (arg === "--json") args.json = true;
    else if (arg === "--disagreements") args.disagreements = true;
    else {
      console.error(
        `compare.mjs: unknown argument ${arg}; usage: compare.mjs [--mirrors DIR] [--peer ${Object.keys(PEERS).join("|")}]... [--own] [--cases DIR] [--disagreements] [--json]`,
      );
      return 2;
    }
  }
  for (const peer of args.peers) if (!PEERS[peer]) return (console.error(`compare.mjs: no peer named ${peer}; peers: ${Object.keys(PEERS).join(", ")}`), 2);
  if (!existsSync(SAPROBE) || !existsSync(join(HERE, "..", "..", "dist", "bundle", "main.cjs")))
    return (console.error("compare.mjs: saprobe is not built: run npm run build"), 2);
  const sections = [];
  const all = [];
  const ownOnly = args.own || args.cases !== undefined;
  const names = ownOnly ? [] : args.peers.length ? args.peers : Object.keys(PEERS);
  if (ownOnly || !args.peers.length) {
    const dir = args.cases ?? OWN_CASES;
    let cases;
    try {
      cases = casesIn(dir);
    } catch (error) {
      console.error(`compare.mjs: ${error.message}`);
      return 2;
    }
    sections.push({ peer: "own", description: dir, rows: await compareCases("own", cases) });
  }
  for (const name of names) {
    const { source, missing } = locate(name, args.mirrors);
    if (!source) {
      sections.push({ peer: name, missing });
      continue;
    }
    const rows = await compareCases(name, PEERS[name].cases(source));
    sections.push({ peer: name, description: source.description, rows });
  }
  for (const section of sections) all.push(...(section.rows ?? []));
  if (args.json) console.log(JSON.stringify(sections, null, 2));
  else
    for (const section of sections) {
      if (section.missing) {
        console.log(`== ${section.peer}: skipped, ${section.missing}`);
        continue;
      }
      console.log(summaryLine(section.peer, section.rows, section.description));
      for (const row of section.rows) if (!args.disagreements || !row.agree) console.log(rowLine(row));
    }
  // Exit 1 when a disagreement has no recorded verdict, or the verdict is that saprobe is wrong.
  return all.some((row) => !row.agree && (!row.verdict || row.verdict.right === "saprobe-wrong")) ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
