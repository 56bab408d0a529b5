// Progress is a redrawn bar on a terminal and plain lines elsewhere; step lines always come out whole.
import { describe, expect, it } from "vitest";
import { DemoProgress } from "./demo-progress.js";

describe("DemoProgress", () => {
  it("writes plain lines when stderr is not a terminal", () => {
    const out: string[] = [];
    const p = new DemoProgress((t) => out.push(t), false);
    p.step("schemas: compiled");
    let published = 0;
    p.track(() => ({ published, ingested: 0, total: 2000 }));
    published = 2000;
    p.stop();
    expect(out[0]).toBe("schemas: compiled\n");
    expect(out.at(-1)).toMatch(/^demo: published 2,000\/2,000, ingested 0\/2,000 \(.+ s\)\n$/);
    expect(out.join("")).not.toContain("\r");
  });

  it("redraws one bar line on a terminal and ends it with a newline", () => {
    const out: string[] = [];
    const p = new DemoProgress((t) => out.push(t), true, { barWidth: 10 });
    p.track(() => ({ published: 5, ingested: 10, total: 10 }));
    p.step("between");
    p.stop();
    const text = out.join("");
    expect(text).toContain("\r\x1b[2Kpublish █████░░░░░ 5/10  ingest ██████████ 10/10");
    expect(text).toContain("\r\x1b[2Kbetween\n");
    expect(text.endsWith("\n")).toBe(true);
  });
});
