// Which Delta protocols and table features we read and write. Reader 1 and 2 (column mapping), reader 3 with
// the listed features; writer up to 7 where every feature in use is one we honour. Anything else is refused
// with UnsupportedTableFeatureError naming the features, before a row is read or written: never a wrong answer,
// never a raw DuckDB error. Pure.
import { UnsupportedTableFeatureError } from "../errors.js";
import type { MetadataAction, ProtocolAction } from "./actions.js";
import { DV_FEATURE } from "./deletion-vectors/table-features.js";
import type { TableSchema } from "./schema.js";

/** Reader features whose data we read correctly. */
export const READER_FEATURES: ReadonlySet<string> = new Set([
  DV_FEATURE,
  "columnMapping",
  "timestampNtz",
  "typeWidening",
  "typeWidening-preview",
  "v2Checkpoint",
  "vacuumProtocolCheck",
]);

/** Writer features whose rules our writers follow (or that ask nothing of a writer that does not use them). */
export const WRITER_FEATURES: ReadonlySet<string> = new Set([
  DV_FEATURE,
  "appendOnly",
  "invariants",
  "checkConstraints",
  "timestampNtz",
  "typeWidening",
  "typeWidening-preview",
  "vacuumProtocolCheck",
  "domainMetadata",
  // Honoured while unused: refused below when the table turns them on.
  "changeDataFeed",
  "generatedColumns",
  "identityColumns",
  "columnMapping",
]);

/** Throws unless we can read the table's data correctly. */
export function checkReadable(table: string, protocol: ProtocolAction, metadata: MetadataAction): void {
  const r = protocol.minReaderVersion;
  if (r > 3) throw new UnsupportedTableFeatureError(table, "read", [`reader version ${r}`]);
  if (r === 3) {
    const missing = (protocol.readerFeatures ?? []).filter((f) => !READER_FEATURES.has(f));
    if (missing.length > 0) throw new UnsupportedTableFeatureError(table, "read", missing);
  }
  const mode = columnMappingMode(metadata);
  if (mode !== "none" && mode !== "name" && mode !== "id")
    throw new UnsupportedTableFeatureError(table, "read", [`columnMapping mode ${mode}`]);
}

/** Nested columns under column mapping keep physical names inside: refused until they are mapped too. */
export function checkMappedSchema(table: string, metadata: MetadataAction, schema: TableSchema): void {
  if (columnMappingMode(metadata) === "none") return;
  const nested = schema.fields.filter((f) => typeof f.type !== "string").map((f) => f.name);
  if (nested.length > 0)
    throw new UnsupportedTableFeatureError(
      table,
      "read",
      ["columnMapping"],
      `nested columns ${JSON.stringify(nested)} under column mapping`,
    );
}

/** Throws unless our writers can write the table without breaking a rule of one of its features. */
export function checkWritable(
  table: string,
  protocol: ProtocolAction,
  metadata: MetadataAction,
  schema: TableSchema,
): void {
  const w = protocol.minWriterVersion;
  if (w > 7) throw new UnsupportedTableFeatureError(table, "write", [`writer version ${w}`]);
  if (w === 7) {
    const missing = (protocol.writerFeatures ?? []).filter((f) => !WRITER_FEATURES.has(f));
    if (missing.length > 0) throw new UnsupportedTableFeatureError(table, "write", missing);
  }
  const config = metadata.configuration;
  const on = (key: string) => config[key]?.toLowerCase() === "true";
  const used: string[] = [];
  if (on("delta.enableChangeDataFeed")) used.push("changeDataFeed (delta.enableChangeDataFeed=true)");
  if (on("delta.enableRowTracking")) used.push("rowTracking (delta.enableRowTracking=true)");
  if (on("delta.enableInCommitTimestamps")) used.push("inCommitTimestamp");
  if (columnMappingMode(metadata) !== "none")
    used.push(`columnMapping (mode ${columnMappingMode(metadata)})`);
  for (const f of schema.fields) {
    if (f.metadata["delta.generationExpression"] !== undefined) used.push(`generatedColumns (${f.name})`);
    if (Object.keys(f.metadata).some((k) => k.startsWith("delta.identity.")))
      used.push(`identityColumns (${f.name})`);
  }
  if (used.length > 0)
    throw new UnsupportedTableFeatureError(table, "write", used, "our writers do not maintain these yet");
}

export function columnMappingMode(metadata: MetadataAction): string {
  return metadata.configuration["delta.columnMapping.mode"] ?? "none";
}
