// The static workspace directory: regions and deletion generations from JSON, and the errors a bad file gets.
import { describe, expect, it } from "vitest";
import { IngestConfigError } from "../errors.js";
import { createStaticIngestDirectory, parseIngestDirectory } from "./ingest-directory.js";

describe("ingest directory", () => {
  it("reads regions, KMS keys and deletion generations", () => {
    const d = parseIngestDirectory(
      JSON.stringify({
        workspaces: {
          a: "eu",
          b: { region: "us", kmsKeyId: "k-b", deletionGeneration: 3 },
          c: { region: "eu", deletionGeneration: "9007199254740993" },
        },
      }),
    );
    expect(d.regionOf("a")).toBe("eu");
    expect(d.regionOf("b")).toBe("us");
    expect(d.kmsKeyIdOf?.("b")).toBe("k-b");
    expect(d.deletionGenerationOf("a")).toBeUndefined();
    expect(d.deletionGenerationOf("b")).toBe(3n);
    expect(d.deletionGenerationOf("c")).toBe(9007199254740993n);
    expect(d.regionOf("nobody")).toBeUndefined();
  });

  it("rejects bad files with what is wrong", () => {
    expect(() => parseIngestDirectory("{", "dir.json")).toThrow(/dir\.json is not JSON/);
    expect(() => parseIngestDirectory("[]")).toThrow(/needs a "workspaces" object/);
    expect(() => createStaticIngestDirectory({ a: "Not A Region" })).toThrow(IngestConfigError);
    expect(() => createStaticIngestDirectory({ a: { region: "eu", deletionGeneration: -1 } })).toThrow(
      /deletionGeneration "-1"/,
    );
    expect(() => createStaticIngestDirectory({ a: { region: "eu", deletionGeneration: "x" } })).toThrow(
      IngestConfigError,
    );
  });
});
