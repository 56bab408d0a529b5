// Iceberg metadata beside the Delta log, for the same Parquet files (as Delta UniForm and Apache XTable do): for a
// Delta version N, `metadata/` gets one manifest (Avro) listing every live data file with its partition values and
// row count, one manifest list, and `v{N+1}.metadata.json` (format 2: the schema with field ids, the identity
// partition spec, the name mapping `schema.name-mapping.default` since our Parquet files carry no field ids), then
// `version-hint.text`. Each Iceberg snapshot restates the whole live set, so a file the Delta version removed
// (a merge's rewrite, a compaction, an erasure) is in no Iceberg snapshot from then on: deletes are visible in
// both formats. Files with deletion vectors are refused until their positions are written as position deletes.
// Written after the Delta commit (like a checkpoint, it only restates committed state); a table opts in with the
// table property `facsimile.iceberg.enabled=true`.
import { randomUUID } from "node:crypto";
import avro from "avsc";
import { UnsupportedTableFeatureError } from "../errors.js";
import { numRecordsOf } from "../io/file-stats.js";
import { type AddAction, decodeDataPath } from "../table/actions.js";
import type { Snapshot } from "../table/snapshot.js";
import { type Table, tableKey } from "../table/table.js";
import { icebergSchema, PARTITION_FIELD_BASE, partitionAvro } from "./iceberg-schema.js";

export const ICEBERG_PROPERTY = "facsimile.iceberg.enabled";
export const ICEBERG_DIR = "metadata";

export function icebergEnabled(snapshot: Pick<Snapshot, "metadata">): boolean {
  return snapshot.metadata.configuration[ICEBERG_PROPERTY]?.toLowerCase() === "true";
}

export interface IcebergWriteResult {
  /** The metadata.json written (store key). */
  readonly metadataKey: string;
  readonly snapshotId: number;
  readonly dataFiles: number;
}

/** Writes the Iceberg metadata of `snapshot` (its Delta version) beside the Delta log. */
export async function writeIcebergMetadata(table: Table, snapshot: Snapshot): Promise<IcebergWriteResult> {
  const view = icebergSchema(snapshot.schema);
  const types = new Map(snapshot.schema.fields.map((f) => [f.name, f.type]));
  const partitionFields = snapshot.partitionColumns.map((c, i) => ({
    name: c,
    "field-id": PARTITION_FIELD_BASE + i,
    "source-id": view.ids.get(c) as number,
    transform: "identity",
  }));
  const converters = snapshot.partitionColumns.map((c) => partitionAvro(types.get(c) ?? "string"));
  const sequence = snapshot.version + 1;
  const snapshotId = sequence;
  const files = [...snapshot.files.values()];
  for (const add of files)
    if ((add as AddAction & { deletionVector?: unknown }).deletionVector != null)
      throw new UnsupportedTableFeatureError(
        table.url,
        "write",
        ["deletionVectors"],
        "Iceberg metadata for files with deletion vectors (position deletes) is not written yet",
      );

  const partitionType = {
    type: "record",
    name: "r102",
    fields: partitionFields.map((p, i) => ({
      name: p.name,
      type: converters[i]?.avro,
      default: null,
      "field-id": p["field-id"],
    })),
  };
  let rows = 0;
  const entries = files.map((add) => {
    const count = numRecordsOf(add);
    if (count === undefined)
      throw new UnsupportedTableFeatureError(
        table.url,
        "write",
        ["Iceberg metadata"],
        `${add.path} has no numRecords`,
      );
    rows += count;
    return {
      status: 1,
      snapshot_id: snapshotId,
      sequence_number: null,
      file_sequence_number: null,
      data_file: {
        content: 0,
        // The object's key as it is (readers open Iceberg locations verbatim; Delta paths are URI-encoded).
        file_path: `${table.url}/${decodeDataPath(add.path)}`,
        file_format: "PARQUET",
        partition: Object.fromEntries(
          snapshot.partitionColumns.map((c, i) => [c, converters[i]?.value(add.partitionValues[c])]),
        ),
        record_count: count,
        file_size_in_bytes: add.size,
      },
    };
  });
  const schemaJson = JSON.stringify(view.schema);
  const specJson = JSON.stringify(partitionFields);
  const manifestName = `${randomUUID()}-m0.avro`;
  const manifest = await avroFile(manifestEntrySchema(partitionType), entries, {
    schema: schemaJson,
    "schema-id": "0",
    "partition-spec": specJson,
    "partition-spec-id": "0",
    "format-version": "2",
    content: "data",
  });
  const manifestKey = tableKey(table, `${ICEBERG_DIR}/${manifestName}`);
  await table.store.put(manifestKey, manifest);

  const list = await avroFile(
    MANIFEST_FILE_SCHEMA,
    [
      {
        manifest_path: `${table.url}/${ICEBERG_DIR}/${manifestName}`,
        manifest_length: manifest.length,
        partition_spec_id: 0,
        content: 0,
        sequence_number: sequence,
        min_sequence_number: sequence,
        added_snapshot_id: snapshotId,
        added_files_count: entries.length,
        existing_files_count: 0,
        deleted_files_count: 0,
        added_rows_count: rows,
        existing_rows_count: 0,
        deleted_rows_count: 0,
        partitions: null,
      },
    ],
    {
      "snapshot-id": String(snapshotId),
      "sequence-number": String(sequence),
      "format-version": "2",
    },
  );
  const listName = `snap-${snapshotId}-1-${randomUUID()}.avro`;
  await table.store.put(tableKey(table, `${ICEBERG_DIR}/${listName}`), list);

  const metadataName = `v${sequence}.metadata.json`;
  const metadata = {
    "format-version": 2,
    "table-uuid": uuidOf(snapshot.metadata.id),
    location: table.url,
    "last-sequence-number": sequence,
    "last-updated-ms": snapshot.timestamp,
    "last-column-id": view.lastColumnId,
    "current-schema-id": 0,
    schemas: [view.schema],
    "default-spec-id": 0,
    "partition-specs": [{ "spec-id": 0, fields: partitionFields }],
    "last-partition-id": PARTITION_FIELD_BASE + partitionFields.length - 1,
    "default-sort-order-id": 0,
    "sort-orders": [{ "order-id": 0, fields: [] }],
    properties: {
      "schema.name-mapping.default": JSON.stringify(view.nameMapping),
      "facsimile.delta.version": String(snapshot.version),
    },
    "current-snapshot-id": snapshotId,
    refs: { main: { "snapshot-id": snapshotId, type: "branch" } },
    snapshots: [
      {
        "snapshot-id": snapshotId,
        "sequence-number": sequence,
        "timestamp-ms": snapshot.timestamp,
        "manifest-list": `${table.url}/${ICEBERG_DIR}/${listName}`,
        summary: { operation: "overwrite", "facsimile.delta.version": String(snapshot.version) },
        "schema-id": 0,
      },
    ],
    "snapshot-log": [{ "snapshot-id": snapshotId, "timestamp-ms": snapshot.timestamp }],
    "metadata-log": [],
  };
  const metadataKey = tableKey(table, `${ICEBERG_DIR}/${metadataName}`);
  await table.store.put(metadataKey, new TextEncoder().encode(JSON.stringify(metadata)), {
    contentType: "application/json",
  });
  await table.store.put(
    tableKey(table, `${ICEBERG_DIR}/version-hint.text`),
    new TextEncoder().encode(String(sequence)),
  );
  return { metadataKey, snapshotId, dataFiles: entries.length };
}

/** A canonical UUID from the Delta table id (usually one already). */
function uuidOf(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : randomUUID();
}

/** An Avro object container file. The schema is given as JSON (not a Type) so the header keeps its field ids. */
async function avroFile(
  schema: unknown,
  records: readonly unknown[],
  metadata: Record<string, string>,
): Promise<Uint8Array> {
  // `metadata` (the file header's key-value map) is a BlockEncoder option avsc's typings leave out.
  const options = {
    codec: "null",
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v)])),
  } as ConstructorParameters<typeof avro.streams.BlockEncoder>[1];
  const encoder = new avro.streams.BlockEncoder(schema as avro.Schema, options);
  const chunks: Buffer[] = [];
  encoder.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    encoder.on("end", () => resolve());
    encoder.on("error", reject);
  });
  for (const r of records) encoder.write(r);
  encoder.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

function manifestEntrySchema(partitionType: unknown): unknown {
  return {
    type: "record",
    name: "manifest_entry",
    fields: [
      { name: "status", type: "int", "field-id": 0 },
      { name: "snapshot_id", type: ["null", "long"], default: null, "field-id": 1 },
      { name: "sequence_number", type: ["null", "long"], default: null, "field-id": 3 },
      { name: "file_sequence_number", type: ["null", "long"], default: null, "field-id": 4 },
      {
        name: "data_file",
        "field-id": 2,
        type: {
          type: "record",
          name: "r2",
          fields: [
            { name: "content", type: "int", "field-id": 134 },
            { name: "file_path", type: "string", "field-id": 100 },
            { name: "file_format", type: "string", "field-id": 101 },
            { name: "partition", type: partitionType, "field-id": 102 },
            { name: "record_count", type: "long", "field-id": 103 },
            { name: "file_size_in_bytes", type: "long", "field-id": 104 },
          ],
        },
      },
    ],
  };
}

const MANIFEST_FILE_SCHEMA = {
  type: "record",
  name: "manifest_file",
  fields: [
    { name: "manifest_path", type: "string", "field-id": 500 },
    { name: "manifest_length", type: "long", "field-id": 501 },
    { name: "partition_spec_id", type: "int", "field-id": 502 },
    { name: "content", type: "int", "field-id": 517 },
    { name: "sequence_number", type: "long", "field-id": 515 },
    { name: "min_sequence_number", type: "long", "field-id": 516 },
    { name: "added_snapshot_id", type: "long", "field-id": 503 },
    { name: "added_files_count", type: "int", "field-id": 504 },
    { name: "existing_files_count", type: "int", "field-id": 505 },
    { name: "deleted_files_count", type: "int", "field-id": 506 },
    { name: "added_rows_count", type: "long", "field-id": 512 },
    { name: "existing_rows_count", type: "long", "field-id": 513 },
    { name: "deleted_rows_count", type: "long", "field-id": 514 },
    {
      name: "partitions",
      type: [
        "null",
        {
          type: "array",
          "element-id": 508,
          items: {
            type: "record",
            name: "r508",
            fields: [
              { name: "contains_null", type: "boolean", "field-id": 509 },
              { name: "contains_nan", type: ["null", "boolean"], default: null, "field-id": 518 },
              { name: "lower_bound", type: ["null", "bytes"], default: null, "field-id": 510 },
              { name: "upper_bound", type: ["null", "bytes"], default: null, "field-id": 511 },
            ],
          },
        },
      ],
      default: null,
      "field-id": 507,
    },
  ],
};
