import { describe, expect, it } from "vitest";
import type { TableSchema } from "../table/schema.js";
import { icebergSchema, partitionAvro } from "./iceberg-schema.js";

const schema: TableSchema = {
  type: "struct",
  fields: [
    { name: "id", type: "long", nullable: false, metadata: {} },
    { name: "at", type: "timestamp", nullable: true, metadata: {} },
    {
      name: "tags",
      type: { type: "array", elementType: "string", containsNull: true },
      nullable: true,
      metadata: {},
    },
    {
      name: "m",
      type: { type: "struct", fields: [{ name: "n", type: "short", nullable: true, metadata: {} }] },
      nullable: true,
      metadata: { "delta.columnMapping.id": 7, "delta.columnMapping.physicalName": "col-x" },
    },
  ],
};

describe("icebergSchema", () => {
  it("numbers columns stably, maps the types, and names physical columns in the name mapping", () => {
    const view = icebergSchema(schema);
    expect(view.schema.fields.map((f) => [f.id, f.name, f.type, f.required])).toEqual([
      [1, "id", "long", true],
      [2, "at", "timestamptz", false],
      [3, "tags", { type: "list", "element-id": 30001, element: "string", "element-required": false }, false],
      [7, "m", { type: "struct", fields: [{ id: 40001, name: "n", required: false, type: "int" }] }, false],
    ]);
    expect(view.nameMapping[3]).toEqual({
      "field-id": 7,
      names: ["col-x"],
      fields: [{ "field-id": 40001, names: ["n"] }],
    });
    expect(view.lastColumnId).toBe(40001);
  });

  it("turns Delta partition value text into Avro partition values, whoever spelled it", () => {
    const ts = partitionAvro("timestamp");
    expect(ts.value("2024-03-10 05:00:00.5")).toBe(1710046800500000);
    expect(ts.value("2024-03-10T05:00:00.500000Z")).toBe(1710046800500000);
    expect(ts.value(null)).toBeNull();
    expect(partitionAvro("string").value("")).toBeNull();
    expect(partitionAvro("date").value("1970-01-03")).toBe(2);
    expect(partitionAvro("integer").value("007")).toBe(7);
    expect(partitionAvro("boolean").value("true")).toBe(true);
  });
});
