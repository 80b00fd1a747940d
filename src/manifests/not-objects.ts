import { basename, dirname } from "node:path";
import type { ParsedDocument } from "./parse.js";

/*
 * What a pipeline folder holds beside rendered manifests that is not Kubernetes objects: a Helm
 * chart's sources (Chart.yaml, values*.yaml, templates/ with `{{ }}`) and kustomize's
 * kustomization.yaml. `kubectl apply -f` would refuse them; saprobe skips them, naming each, and
 * says what to audit instead, so the rendered objects beside them are still audited.
 */

const HELM = "a Helm chart's source, not rendered objects: audit the output of `helm template` instead";
const KUSTOMIZE =
  "a kustomize file, not a Kubernetes object: audit the output of `kustomize build` (or `kubectl kustomize`) instead; the files beside it are audited as written, without its namespace, name prefixes or patches";
const NOT_OBJECTS = "no document in it has an apiVersion and a kind, so it holds no Kubernetes object (kubectl apply would refuse it)";

const VALUES_FILE = /^values([.\-_][^/]*)?\.(ya?ml|json)$/i;
const KUSTOMIZATION_FILE = /^kustomization\.ya?ml$/i;
/** Go template actions as Helm charts write them: `{{ .Values.x }}`, `{{- include "..." . }}`, `{{ end }}`. */
const GO_TEMPLATE = /\{\{-?\s*(\.|\$|include\b|template\b|if\b|else\b|end\b|range\b|with\b|define\b|toYaml\b|tpl\b)/;

/** Folders that are Helm charts (hold a Chart.yaml): the files under their templates/ are chart source. */
export function chartRoots(files: readonly string[]): Set<string> {
  const roots = new Set<string>();
  for (const file of files) if (basename(file) === "Chart.yaml") roots.add(dirname(file));
  return roots;
}

/** True for a file under a chart's templates/ (a rendered file saved beside Chart.yaml is read). */
function chartTemplate(file: string, roots: ReadonlySet<string>): boolean {
  for (let folder = dirname(file); dirname(folder) !== folder; folder = dirname(folder)) {
    if (basename(folder) === "templates" && roots.has(dirname(folder))) return true;
  }
  return false;
}

/** Why a file is skipped by its name and place alone (before it is read), or undefined. */
export function skipByPath(file: string, roots: ReadonlySet<string>): string | undefined {
  if (file === "-") return undefined;
  const name = basename(file);
  if (KUSTOMIZATION_FILE.test(name)) return KUSTOMIZE;
  if (name === "Chart.yaml" || VALUES_FILE.test(name) || (roots.size > 0 && chartTemplate(file, roots))) return HELM;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKubernetesObject(value: unknown): boolean {
  return isObject(value) && typeof value.apiVersion === "string" && typeof value.kind === "string";
}

function isKustomization(value: unknown): boolean {
  return isObject(value) && typeof value.apiVersion === "string" && value.apiVersion.startsWith("kustomize.config.k8s.io/");
}

/**
 * Why a parsed file is skipped by what it holds, or undefined: every document is a mapping without
 * apiVersion and kind (values, a config file), or a kustomization. A file with a syntax error is
 * not skipped: that is a broken document, refused with its line.
 */
export function skipByContent(documents: readonly ParsedDocument[], syntaxProblems: number, text: string): string | undefined {
  if (syntaxProblems > 0 || documents.length === 0) return undefined;
  if (documents.every((document) => isKustomization(document.value))) return KUSTOMIZE;
  if (documents.some((document) => isKubernetesObject(document.value) || !isObject(document.value))) return undefined;
  return GO_TEMPLATE.test(text) ? HELM : NOT_OBJECTS;
}

/** A hint for a refused file that holds Go template actions: it is most likely an unrendered chart template. */
export function templateHint(text: string): string | undefined {
  return GO_TEMPLATE.test(text) ? "it holds Go template actions ({{ }}): audit the output of `helm template`, not the chart's templates" : undefined;
}
