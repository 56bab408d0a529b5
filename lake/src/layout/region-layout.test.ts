import { describe, expect, it } from "vitest";
import { LayoutError, regionLayout } from "./region-layout.js";

describe("regionLayout", () => {
  it("puts every region under its own prefix", () => {
    expect(regionLayout.table("eu-west-1", "jira_issue")).toBe("regions/eu-west-1/tables/jira_issue");
    expect(regionLayout.sink("us")).toBe("regions/us/sink/records");
    expect(regionLayout.offload("us")).toBe("regions/us/offload");
    expect(regionLayout.deadLetters("us")).toBe("regions/us/dead-letters");
    expect(regionLayout.tables("ap-southeast-2")).toBe("regions/ap-southeast-2/tables");
  });

  it("rejects names that could escape their prefix or break SQL", () => {
    expect(() => regionLayout.region("../eu")).toThrow(LayoutError);
    expect(() => regionLayout.region("EU")).toThrow(/invalid region "EU"/);
    expect(() => regionLayout.table("eu", "jira-issue")).toThrow(/invalid table name/);
    expect(() => regionLayout.table("eu", "a/b")).toThrow(LayoutError);
  });
});
