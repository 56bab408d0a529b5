// Per-record isolation: a model that fails on some source rows; findFailingRows names exactly those rows (with
// their Kafka coordinates for the dead-letter topic), and after deleting them the model runs over the rest.
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelSqlError } from "../errors.js";
import { type CompiledModel, compileModel } from "../models/compile-model.js";
import { createSourceTable } from "../source/create-source-table.js";
import { loadSourceRows } from "../source/load-source-rows.js";
import { avocadoQuestion, entityRecord } from "../testing/sample-records.js";
import { wrapModelSql } from "./check-models.js";
import { findFailingRows } from "./find-failing-rows.js";

const registry = loadDefaultRegistry();
let instance: DuckDBInstance;
let conn: DuckDBConnection;

const model = (name: string, select: string): CompiledModel => {
  const compiled = compileModel(registry, {
    name,
    file: `models/${name}.sql`,
    origin: "file",
    template: `{{ config(writer='append') }}\nSELECT\n  ${select},\n  workspace_id\nFROM {{ source('entities', 'AvocadoQuestion') }}`,
  });
  if (compiled === null) throw new Error("disabled");
  return compiled;
};

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  conn = await instance.connect();
  const table = await createSourceTable(conn, registry, "AvocadoQuestion");
  const records = Array.from({ length: 40 }, (_, i) =>
    entityRecord(
      registry,
      "AvocadoQuestion",
      String(i),
      { ...avocadoQuestion(i), title: i === 7 || i === 31 ? `not a number ${i}` : String(i) },
      { offset: BigInt(1000 + i), partition: 2 },
    ),
  );
  await loadSourceRows(conn, table, records);
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

describe("findFailingRows", () => {
  it("finds no rows when the model runs over the whole source", async () => {
    expect(await findFailingRows(conn, model("ok", "CAST(title AS VARCHAR) AS title"))).toEqual([]);
  });

  it("isolates exactly the rows a CAST fails on, then the rest runs", async () => {
    const numbers = model("title_numbers", "CAST(title AS INTEGER) AS title_number");
    await expect(conn.run(wrapModelSql(numbers.sql))).rejects.toThrow(/Could not convert string/);
    const failing = await findFailingRows(conn, numbers);
    expect(failing.map((f) => [f.resourceAri, f.kafkaPartition, f.kafkaOffset])).toEqual([
      ["ari:cloud:test:ws-1:avocadoquestion/7", 2, 1007n],
      ["ari:cloud:test:ws-1:avocadoquestion/31", 2, 1031n],
    ]);
    expect(failing[0]?.error).toBeInstanceOf(ModelSqlError);
    expect(failing[0]?.error.message).toContain(
      "models/title_numbers.sql:3: the model fails on source rows: Conversion Error",
    );
    expect(failing[0]?.error.message).toContain("not a number 7");
    await conn.run(
      `DELETE FROM source_avocado_question WHERE rowid IN (${failing.map((f) => f.rowid).join(", ")})`,
    );
    const rows = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM (${wrapModelSql(numbers.sql)})`);
    expect(rows.getRows()).toEqual([[38]]);
  });

  it("refuses to guess when the failure needs several rows together", async () => {
    const together = model(
      "together",
      "CAST(CASE WHEN count(*) OVER () > 1 THEN 'many' ELSE '1' END AS INTEGER) AS n",
    );
    await expect(findFailingRows(conn, together)).rejects.toThrow(/fails on the batch but on no single row/);
  });
});
