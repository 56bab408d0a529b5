// The columns of an entity's SOURCE relation, what `{{ source('entities', 'X') }}` reads: the envelope fields
// (the seed's names plus entity type and payload hash), the entity's flat columns exactly as
// @facsimile/schemas' decodeEntityRow shapes them, the seed's required fields, and ingest metadata.
// Column names and DuckDB types here are the contract with the ingest stage (see transforms/README.md).
import {
  type ColumnType,
  entityColumns,
  type ScalarColumnType,
  type SchemaRegistry,
} from "@facsimile/schemas";
import { SourceSchemaError } from "../errors.js";
import { sqlIdent } from "../names.js";

export type SourceColumnRole = "envelope" | "entity" | "required" | "metadata";

export interface SourceColumn {
  readonly name: string;
  /** DuckDB type text: VARCHAR, BIGINT, TIMESTAMPTZ, VARCHAR[], STRUCT(field_id VARCHAR, ...)[], ... */
  readonly type: string;
  readonly role: SourceColumnRole;
  /** False for columns every record fills, tombstones included. */
  readonly nullable: boolean;
  /** Entity columns only: the flat column type from @facsimile/schemas. */
  readonly columnType?: ColumnType;
}

const col = (name: string, type: string, role: SourceColumnRole, nullable = false): SourceColumn =>
  Object.freeze({ name, type, role, nullable });

/** The envelope fields, in the seed's order, then entity type and payload hash. */
export const ENVELOPE_COLUMNS: readonly SourceColumn[] = Object.freeze([
  col("envelope_fields_resource_ari_value", "VARCHAR", "envelope"),
  col("envelope_fields_version", "BIGINT", "envelope"),
  col("envelope_fields_is_tombstone", "BOOLEAN", "envelope"),
  col("envelope_fields_workspace_id_value", "VARCHAR", "envelope"),
  col("envelope_fields_generation_counter", "BIGINT", "envelope"),
  col("envelope_fields_entity_type", "INTEGER", "envelope"),
  col("envelope_fields_payload_hash", "VARCHAR", "envelope"),
]);

/** The seed's required fields, derived by the loader from the record (see load-source-rows.ts). */
export const REQUIRED_COLUMNS: readonly SourceColumn[] = Object.freeze([
  col("row_refreshed_at", "TIMESTAMPTZ", "required"),
  col("row_refreshed_at_day", "DATE", "required"),
  col("shard_id", "VARCHAR", "required"),
  col("workspace_id", "VARCHAR", "required"),
]);

/** Where and when the record was read; for lineage, freshness and dead-lettering, not for target rows. */
export const METADATA_COLUMNS: readonly SourceColumn[] = Object.freeze([
  col("_record_timestamp", "TIMESTAMPTZ", "metadata"),
  col("_ingested_at", "TIMESTAMPTZ", "metadata"),
  col("_kafka_partition", "INTEGER", "metadata"),
  col("_kafka_offset", "BIGINT", "metadata"),
]);

/**
 * Columns whose values depend on how a record was delivered (its Kafka timestamp, partition and offset), not on the
 * record: the required fields `row_refreshed_at`, `row_refreshed_at_day` (the Kafka timestamp of the delivery a row
 * came from) and `shard_id` (the Kafka partition), and the metadata columns a model may select on purpose (the
 * names models give them, e.g. `record_timestamp`, too). Every other column of a model's output depends only on
 * the record, so two deliveries of one workload (any order, any duplicates) give the same tables on them.
 */
export const DELIVERY_COLUMNS: readonly string[] = Object.freeze([
  "row_refreshed_at",
  "row_refreshed_at_day",
  "shard_id",
  ...METADATA_COLUMNS.map((c) => c.name),
  "record_timestamp",
  "ingested_at",
  "kafka_partition",
  "kafka_offset",
]);

/** Which envelope columns carry the last-writer-wins order: the lake writers' `lww` mapping. */
export const ENVELOPE_LWW_COLUMNS = Object.freeze({
  generation: "envelope_fields_generation_counter",
  version: "envelope_fields_version",
  tombstone: "envelope_fields_is_tombstone",
  payloadHash: "envelope_fields_payload_hash",
});

/** The column every target table is partitioned by (first). */
export const WORKSPACE_PARTITION_COLUMN = "workspace_id";
/** The column that identifies a resource: the default models' primary key. */
export const RESOURCE_KEY_COLUMN = "envelope_fields_resource_ari_value";

const RESERVED_NAMES = new Set(
  [...ENVELOPE_COLUMNS, ...REQUIRED_COLUMNS, ...METADATA_COLUMNS].map((c) => c.name),
);

const SCALAR_SQL: Readonly<Record<ScalarColumnType, string>> = Object.freeze({
  string: "VARCHAR",
  boolean: "BOOLEAN",
  int32: "INTEGER",
  int64: "BIGINT",
  float64: "DOUBLE",
});

/** The DuckDB type of a flat column type: lists as `T[]`, repeated messages as `STRUCT(...)[]`. */
export function duckdbColumnType(type: ColumnType): string {
  if (typeof type === "string") return SCALAR_SQL[type];
  if (type.list === "row") {
    const fields = type.columns.map((c) => `${sqlIdent(c.name)} ${duckdbColumnType(c.type)}`);
    return `STRUCT(${fields.join(", ")})[]`;
  }
  return `${SCALAR_SQL[type.list]}[]`;
}

/**
 * Every column of the entity's source relation, in table order: envelope, entity, required, metadata.
 * Throws SourceSchemaError when an entity column takes a reserved name (e.g. a field `workspaceId`).
 */
export function sourceColumns(registry: SchemaRegistry, entity: string): SourceColumn[] {
  const name = registry.entity(entity).name;
  const entityCols = entityColumns(registry, name).map((c): SourceColumn => {
    if (RESERVED_NAMES.has(c.name))
      throw new SourceSchemaError(
        name,
        `its column ${c.name} clashes with a column the source relation reserves ` +
          `(${[...RESERVED_NAMES].join(", ")}); rename the field in schemas/entities`,
      );
    return Object.freeze({
      name: c.name,
      type: duckdbColumnType(c.type),
      role: "entity",
      nullable: true,
      columnType: c.type,
    });
  });
  return [...ENVELOPE_COLUMNS, ...entityCols, ...REQUIRED_COLUMNS, ...METADATA_COLUMNS];
}
