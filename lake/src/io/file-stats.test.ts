import { describe, expect, it } from "vitest";
import type { TableSchema } from "../table/schema.js";
import { type ColumnStatistics, deltaStats, parseTimestampMicros } from "./file-stats.js";

const schema: TableSchema = {
  type: "struct",
  fields: [
    { name: "id", type: "long", nullable: true, metadata: {} },
    { name: "name", type: "string", nullable: true, metadata: {} },
    { name: "ts", type: "timestamp", nullable: true, metadata: {} },
    { name: "score", type: "double", nullable: true, metadata: {} },
    { name: "ok", type: "boolean", nullable: true, metadata: {} },
    { name: "ws", type: "string", nullable: true, metadata: {} },
  ],
};

const stat = (column: string, values: Record<string, string>): ColumnStatistics[number] => ({
  key: `"${column}"`,
  value: Object.entries(values).map(([key, value]) => ({ key, value })),
});

describe("deltaStats", () => {
  it("keeps 64-bit bounds exact, rounds timestamps outward, and drops what it cannot bound", () => {
    const stats = deltaStats(
      3,
      [
        stat("id", { min: "-9223372036854775808", max: "9223372036854775807", null_count: "0" }),
        stat("name", { min: 'a"b', max: "z", null_count: "1" }),
        stat("ts", {
          min: "2024-01-02 03:04:05.123456+00",
          max: "2024-01-02 03:04:05.123456+00",
          null_count: "0",
        }),
        stat("score", { min: "nan", max: "1.5", null_count: "0" }),
        stat("ok", { null_count: "2" }),
      ],
      schema,
      ["ws"],
    );
    expect(stats).toBe(
      '{"numRecords":3,' +
        '"minValues":{"id":-9223372036854775808,"name":"a\\"b","ts":"2024-01-02T03:04:05.123Z"},' +
        '"maxValues":{"id":9223372036854775807,"name":"z","ts":"2024-01-02T03:04:05.124Z"},' +
        '"nullCount":{"id":0,"name":1,"ts":0,"score":0,"ok":2}}',
    );
  });

  it("reads DuckDB's TIMESTAMPTZ text with any offset", () => {
    expect(parseTimestampMicros("1970-01-01 00:00:01+00")).toBe(1_000_000);
    expect(parseTimestampMicros("1970-01-01 02:00:00.5+02")).toBe(500_000);
    expect(parseTimestampMicros("1969-12-31 19:00:00-05:00")).toBe(0);
    expect(parseTimestampMicros("yesterday")).toBeUndefined();
  });
});
