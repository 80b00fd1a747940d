import type { PolicyRule } from "../../rbac/types.js";
import { clusterAdminPower } from "../cluster-admin-power.js";

const powerByRules = new WeakMap<readonly PolicyRule[], ReturnType<typeof clusterAdminPower> | null>();

/** clusterAdminPower, once per role (thousands of bindings share one). */
export function powerOf(rules: readonly PolicyRule[]): ReturnType<typeof clusterAdminPower> {
  let power = powerByRules.get(rules);
  if (power === undefined) powerByRules.set(rules, (power = clusterAdminPower(rules) ?? null));
  return power ?? undefined;
}

/** True when the rules allow every verb on every resource (unrestricted by names). */
export function holdsEverything(rules: readonly PolicyRule[]): boolean {
  const power = powerOf(rules);
  return power !== undefined && !power.restricted;
}
