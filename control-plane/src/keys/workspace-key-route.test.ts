import { describe, expect, it } from "vitest";
import { workspaceOfObject, workspacePartitionSegment } from "./object-owner.js";
import { workspaceKeyRoute } from "./workspace-key-route.js";

const sha = "ab".padEnd(64, "0");

describe("workspaceOfObject", () => {
  it("finds the workspace of partition files and offloads, and none for objects that mix workspaces", () => {
    expect(workspaceOfObject("regions/eu/tables/jira_issue/workspace_id=acme/part-1.zstd.parquet")).toBe(
      "acme",
    );
    expect(workspaceOfObject("lake/regions/eu/tables/t/workspace_id=a%2Fb/deletion_vector_1.bin")).toBe(
      "a/b",
    );
    expect(workspaceOfObject(`regions/us/offload/acme/ab/${sha}`)).toBe("acme");
    expect(workspaceOfObject(`offload/ws-2/ab/${sha}`)).toBe("ws-2");
    for (const platform of [
      "regions/eu/tables/jira_issue/_delta_log/00000000000000000001.json",
      "regions/eu/tables/jira_issue/_delta_log/00000000000000000010.checkpoint.parquet",
      "regions/eu/sink/records/record_day=2026-01-01/part-1.zstd.parquet",
      "regions/eu/tables/t/workspace_id=__HIVE_DEFAULT_PARTITION__/part-1.parquet",
      "control/jobs/job-1.json",
      "regions/us/offload/acme/not-a-sha",
    ])
      expect(workspaceOfObject(platform), platform).toBeUndefined();
  });

  it("escapes a workspace id into its partition segment the way the lake does", () => {
    expect(workspacePartitionSegment("a.b_c-1")).toBe("workspace_id=a.b_c-1/");
    expect(workspaceOfObject(`regions/eu/tables/t/${workspacePartitionSegment("x(1)")}f.parquet`)).toBe(
      "x(1)",
    );
  });
});

describe("workspaceKeyRoute", () => {
  const keys: Record<string, string> = { acme: "k-acme" };
  const route = workspaceKeyRoute({ kmsKeyIdOf: (w) => keys[w] }, { platformKeyId: "k-platform" });

  it("puts a workspace's objects under its key, whatever the caller asked", () => {
    expect(route("regions/eu/tables/t/workspace_id=acme/p.parquet", "k-other")).toBe("k-acme");
    expect(route(`regions/eu/offload/acme/ab/${sha}`, undefined)).toBe("k-acme");
  });

  it("puts platform objects and workspaces without a key under the platform key", () => {
    expect(route("regions/eu/tables/t/_delta_log/00000000000000000000.json", undefined)).toBe("k-platform");
    expect(route("regions/eu/tables/t/workspace_id=beta/p.parquet", undefined)).toBe("k-platform");
    expect(route("regions/eu/sink/records/x.parquet", "k-asked")).toBe("k-asked");
    expect(workspaceKeyRoute({})("regions/eu/sink/records/x.parquet", undefined)).toBeUndefined();
  });
});
