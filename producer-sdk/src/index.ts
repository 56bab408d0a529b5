// Public surface of @facsimile/producer-sdk: createProducer (publish, delete, flush, close) for product
// services, createRecordDecoder for consumers such as ingest, and the workspace directory they route by.

export type { ChangeEnvelope } from "./build-envelope.js";
export {
  createProducer,
  DEFAULT_PRODUCER_OPTIONS,
  type DeleteChange,
  type Producer,
  type ProducerDeps,
  type ProducerOptions,
  type PublishChange,
  type PublishReceipt,
  type Validators,
} from "./create-producer.js";
export {
  createRecordDecoder,
  DEFAULT_RECORD_DECODER_OPTIONS,
  type DecodedRecord,
  MAX_OFFLOAD_KEY_BYTES,
  MAX_OFFLOAD_KEY_SEGMENT_BYTES,
  offloadKeyProblem,
  type RecordDecoder,
  type RecordDecoderDeps,
  type RecordDecoderOptions,
} from "./create-record-decoder.js";
export {
  isRetriable,
  OffloadFailedError,
  OffloadIntegrityError,
  OffloadUnresolvableError,
  PayloadTooLargeError,
  ProducerClosedError,
  PublishFailedError,
  UnknownWorkspaceError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export { keyOfOffloadUri, OFFLOAD_CONTENT_TYPE, offloadKey, offloadUri } from "./offload-payload.js";
export { DEFAULT_RETRY_OPTIONS, type RetryOptions } from "./retry-within-budget.js";
export type { BatcherOptions } from "./topic-batcher.js";
export {
  createStaticWorkspaceDirectory,
  type StaticWorkspace,
  type WorkspaceDirectory,
} from "./workspace-directory.js";
