// A model's `{{ config(...) }}` keyword arguments -> its target table and writer configuration, in the shape
// of @facsimile/lake's WriterConfig (kind, keys, partition columns, LWW columns mapped onto the envelope fields).
// Checks names and shapes only; whether the columns exist is checkModels' job (it asks DuckDB).
import { ModelConfigError, type ModelLocation } from "../errors.js";
import { TABLE_NAME_PATTERN } from "../names.js";
import { ENVELOPE_LWW_COLUMNS, WORKSPACE_PARTITION_COLUMN } from "../source/source-columns.js";

/** Which columns carry the last-writer-wins order (same shape as @facsimile/lake's LwwColumns). */
export interface LwwColumns {
  readonly generation: string;
  readonly version: string;
  readonly tombstone: string;
  readonly payloadHash: string;
}

/** Rows verbatim (lake AppendConfig). */
export interface AppendWriter {
  readonly kind: "append";
  readonly partitionColumns: readonly string[];
  readonly clusterBy?: readonly string[];
  /** The row identity: a row whose key the partition holds already is not appended again (lake AppendConfig). */
  readonly uniqueKey?: readonly string[];
}

/** Upsert on a primary key, last writer wins (lake MergeConfig). */
export interface MergeWriter {
  readonly kind: "merge";
  readonly partitionColumns: readonly string[];
  readonly primaryKey: readonly string[];
  readonly lww: LwwColumns;
}

/** A parent's exploded child rows, replaced as a whole by a newer parent version (lake MergeExplodedConfig). */
export interface MergeExplodedWriter {
  readonly kind: "merge-exploded";
  readonly partitionColumns: readonly string[];
  readonly parentKey: readonly string[];
  readonly childKey: readonly string[];
  readonly lww: LwwColumns;
}

/** Assignable to @facsimile/lake's WriterConfig. */
export type ModelWriterConfig = AppendWriter | MergeWriter | MergeExplodedWriter;
export type WriterKind = ModelWriterConfig["kind"];

export const WRITER_KINDS: readonly WriterKind[] = Object.freeze(["append", "merge", "merge-exploded"]);

/** What a config() call may say; anything else is a typo and an error. */
export const CONFIG_KEYS: readonly string[] = Object.freeze([
  "writer",
  "table",
  "enabled",
  "primary_key",
  "parent_key",
  "child_key",
  "partition_by",
  "cluster_by",
  "unique_key",
]);

const KEYS_OF: Readonly<Record<WriterKind, readonly string[]>> = {
  append: ["cluster_by", "unique_key"],
  merge: ["primary_key"],
  "merge-exploded": ["parent_key", "child_key"],
};

export interface ModelConfig {
  readonly enabled: boolean;
  readonly table: string;
  readonly writer: ModelWriterConfig | undefined;
}

export function parseModelConfig(
  at: ModelLocation,
  raw: Readonly<Record<string, unknown>> | undefined,
): ModelConfig {
  const fail = (reason: string): never => {
    throw new ModelConfigError(at, reason);
  };
  if (raw === undefined)
    return fail(
      "the model has no {{ config(...) }}; start it with e.g. " +
        "{{ config(writer='merge', primary_key=['envelope_fields_resource_ari_value']) }}",
    );
  for (const key of Object.keys(raw))
    if (!CONFIG_KEYS.includes(key)) fail(`unknown config key ${key}; the keys are ${CONFIG_KEYS.join(", ")}`);
  const names = (key: string): readonly string[] | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === "string" && s !== ""))
      fail(
        `config ${key} must be a non-empty list of column names, e.g. ${key}=['a'], got ${JSON.stringify(v)}`,
      );
    return Object.freeze([...(v as string[])]);
  };
  const enabled = raw.enabled ?? true;
  if (typeof enabled !== "boolean")
    fail(`config enabled must be true or false, got ${JSON.stringify(enabled)}`);
  const table = raw.table ?? at.model;
  if (typeof table !== "string" || !TABLE_NAME_PATTERN.test(table))
    fail(`config table must match ${TABLE_NAME_PATTERN} (lower snake case), got ${JSON.stringify(table)}`);
  if (enabled === false) return { enabled: false, table: table as string, writer: undefined };

  const kind = raw.writer;
  if (!WRITER_KINDS.includes(kind as WriterKind))
    fail(
      `config writer must be one of ${WRITER_KINDS.map((k) => `'${k}'`).join(", ")}, got ${JSON.stringify(kind)}`,
    );
  const writerKind = kind as WriterKind;
  for (const key of Object.values(KEYS_OF).flat())
    if (!KEYS_OF[writerKind].includes(key) && raw[key] !== undefined)
      fail(`config ${key} does not apply to writer='${writerKind}'`);
  const partitionColumns = names("partition_by") ?? Object.freeze([WORKSPACE_PARTITION_COLUMN]);
  if (partitionColumns[0] !== WORKSPACE_PARTITION_COLUMN)
    fail(
      `config partition_by must start with '${WORKSPACE_PARTITION_COLUMN}' (tables are partitioned by workspace), ` +
        `got ${JSON.stringify(partitionColumns)}`,
    );
  const required = (key: string): readonly string[] =>
    names(key) ?? fail(`writer='${writerKind}' needs ${key}=[...] (the columns that identify a row)`);
  const lww = ENVELOPE_LWW_COLUMNS;
  let writer: ModelWriterConfig;
  switch (writerKind) {
    case "append": {
      const clusterBy = names("cluster_by");
      const uniqueKey = names("unique_key");
      writer = {
        kind: "append",
        partitionColumns,
        ...(clusterBy === undefined ? {} : { clusterBy }),
        ...(uniqueKey === undefined ? {} : { uniqueKey }),
      };
      break;
    }
    case "merge":
      writer = { kind: "merge", partitionColumns, primaryKey: required("primary_key"), lww };
      break;
    case "merge-exploded":
      writer = {
        kind: "merge-exploded",
        partitionColumns,
        parentKey: required("parent_key"),
        childKey: required("child_key"),
        lww,
      };
      break;
  }
  return { enabled: true, table: table as string, writer: Object.freeze(writer) };
}

/** The columns a writer needs in the model's output: keys, partition columns and (merge kinds) LWW columns. */
export function writerColumns(writer: ModelWriterConfig): string[] {
  const cols = [...writer.partitionColumns];
  if (writer.kind === "merge") cols.push(...writer.primaryKey);
  if (writer.kind === "merge-exploded") cols.push(...writer.parentKey, ...writer.childKey);
  if (writer.kind === "append") cols.push(...(writer.clusterBy ?? []), ...(writer.uniqueKey ?? []));
  if (writer.kind !== "append") cols.push(...Object.values(writer.lww));
  return [...new Set(cols)];
}
