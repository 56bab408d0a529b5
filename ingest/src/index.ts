// Public surface of @facsimile/ingest: the region worker (createIngestWorker), its stages as separate operations
// (classify a batch, append to the raw sink, run a merge round), the workspace directory it checks records
// against, dead-letter conventions, metrics, and the errors it throws.

export {
  createStaticIngestDirectory,
  type IngestDirectory,
  type IngestDirectoryFile,
  parseIngestDirectory,
  type StaticIngestWorkspace,
} from "./directory/ingest-directory.js";
export {
  BatchFailedError,
  DEAD_LETTER_REASONS,
  type DeadLetterReason,
  DROP_REASONS,
  type DropReason,
  IngestConfigError,
  IngestError,
  IngestStateError,
  isIngestError,
} from "./errors.js";
export { mergeTxns, partitionMergeAppId, partitionPositions } from "./merge/merge-txns.js";
export {
  readMergePosition,
  readPartitionMergePositions,
  readSinkHead,
} from "./merge/read-merge-position.js";
export { addedFiles, readSinkRange, type SinkRange, type SinkRangeOptions } from "./merge/read-sink-range.js";
export {
  type MergeRejection,
  type MergeRoundDeps,
  type MergeRoundOptions,
  type MergeRoundResult,
  type MergeTarget,
  runMergeRound,
  type TargetPosition,
} from "./merge/run-merge-round.js";
export { type ModelOutput, runModel } from "./merge/run-model.js";
export { encodeSinkRecord, type SinkRecord, sinkRecordOf } from "./merge/sink-record.js";
export {
  DEFAULT_SINK_VERSION_CACHE_OPTIONS,
  SinkVersionCache,
  type SinkVersionCacheOptions,
} from "./merge/sink-version-cache.js";
export { createIngestMetrics, FRESHNESS_BUCKETS, type IngestMetrics } from "./metrics/ingest-metrics.js";
export { measureFreshness } from "./metrics/measure-freshness.js";
export { Counter, Gauge, Histogram, type Labels, MetricsRegistry } from "./metrics/metrics-registry.js";
export { type MetricsServer, serveMetrics } from "./metrics/serve-metrics.js";
export {
  type AcceptedRecord,
  type BatchPlan,
  type ClassifyDeps,
  type ClassifyOptions,
  classifyMessages,
  DEFAULT_CLASSIFY_OPTIONS,
  type DeadLetter,
  type Drop,
  type Reroute,
} from "./records/classify-messages.js";
export {
  DLQ_DETAIL_MAX_LENGTH,
  DLQ_HEADERS,
  deadLetterMessage,
  REROUTED_FROM_HEADER,
  rerouteMessage,
} from "./records/dead-letter-message.js";
export { routeSideEffects, type SideEffectResult } from "./records/route-side-effects.js";
export {
  type DeadLetterEntry,
  type DeadLetterPayloads,
  deadLetterFolder,
  writeDeadLetters,
} from "./records/write-dead-letters.js";
export {
  appendToSink,
  type SinkCommit,
  type SinkPartitionWrite,
} from "./sink/append-to-sink.js";
export { readSinkPositions, type SinkPositions } from "./sink/read-sink-positions.js";
export {
  mergeAppId,
  SINK_COLUMNS,
  SINK_PARTITION_COLUMNS,
  SINK_WRITER,
  type SinkColumn,
  sinkAppId,
} from "./sink/sink-table.js";

export {
  createIngestWorker,
  type IngestProgress,
  type IngestWorker,
  type IngestWorkerDeps,
} from "./worker/create-ingest-worker.js";
export {
  DEFAULT_INGEST_DUCKDB_THREADS,
  DEFAULT_INGEST_WORKER_OPTIONS,
  type IngestStages,
  type IngestWorkerOptions,
} from "./worker/ingest-worker-options.js";
