// Test and bench support: a table shaped like the ingest's target tables (partitioned by workspace, keyed by the
// resource ARI, with the envelope's last-writer-wins columns and the row time), written through the lake's Merge.
export { mergeTargetRows, TARGET_MERGE, type TargetRow, targetRowsSql } from "./target-table.js";
