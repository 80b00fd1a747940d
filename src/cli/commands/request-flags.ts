import type { RequestOptions } from "../../rbac/request-spec.js";
import { flag, type ParsedArgs } from "../args.js";

/*
 * Its own module, not can-i-action.ts's: who-can imports it, and can-i-action.ts loads the manifest
 * loader and the bootstrap policy, which a live who-can never needs (bench/who-can-live.mjs).
 */

/** The request flags `can-i` and `who-can` share with kubectl (`--subresource`). */
export function requestOptions(args: ParsedArgs): RequestOptions {
  const subresource = flag.string(args, "subresource");
  return subresource ? { subresource } : {};
}
