import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { progressFor } from "../../src/cli/progress.js";

function stderr(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe("progressFor", () => {
  it("stays quiet when stderr is not a terminal", () => {
    const err = stderr(false);
    const progress = progressFor({ stderr: err.stream });
    progress.update(1, 2, "clusterroles");
    progress.finish();
    expect(err.text()).toBe("");
  });

  it("redraws one line on a terminal, throttled, always showing the last step, and clears it", () => {
    const err = stderr(true);
    let clock = 0;
    const progress = progressFor({ stderr: err.stream }, { intervalMs: 100, now: () => clock });
    progress.update(1, 3, "clusterroles");
    clock = 50;
    progress.update(2, 3, "rolebindings");
    clock = 60;
    progress.update(3, 3, "pods\u001b[31m");
    progress.finish();
    expect(err.text()).toBe("\r\u001b[2Ksaprobe: 1/3 clusterroles\r\u001b[2Ksaprobe: 3/3 pods?[31m\r\u001b[2K");
  });
});
