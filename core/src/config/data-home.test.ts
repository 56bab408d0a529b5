import { describe, expect, it } from "vitest";
import { dataHome, lakeLocation } from "./data-home.js";

describe("the default data folder", () => {
  it("is ./.facsimile, else $FACSIMILE_HOME, else the flag, resolved against the working directory", () => {
    expect(dataHome({}, "/w")).toBe("/w/.facsimile");
    expect(dataHome({ FACSIMILE_HOME: "" }, "/w")).toBe("/w/.facsimile");
    expect(dataHome({ FACSIMILE_HOME: "data" }, "/w")).toBe("/w/data");
    expect(dataHome({ FACSIMILE_HOME: "/srv/fx" }, "/w")).toBe("/srv/fx");
    expect(dataHome({ FACSIMILE_HOME: "/srv/fx" }, "/w", "mine")).toBe("/w/mine");
  });

  it("holds the lake every command looks in, unless --lake or $FACSIMILE_LAKE say otherwise", () => {
    expect(lakeLocation(undefined, {}, "/w")).toBe("/w/.facsimile/lake");
    expect(lakeLocation(undefined, { FACSIMILE_HOME: "/srv/fx" }, "/w")).toBe("/srv/fx/lake");
    expect(lakeLocation(undefined, { FACSIMILE_LAKE: "l", FACSIMILE_HOME: "/srv/fx" }, "/w")).toBe("/w/l");
    expect(lakeLocation(undefined, { FACSIMILE_LAKE: "s3://b/p" }, "/w")).toBe("s3://b/p");
    expect(lakeLocation("/abs", { FACSIMILE_LAKE: "s3://b/p" }, "/w")).toBe("/abs");
    expect(lakeLocation("file:///x", {}, "/w")).toBe("file:///x");
  });
});
