// Public surface of @facsimile/producer-sdk: createProducer (publish, delete, flush, close) for product
// services, createRecordDecoder for consumers such as ingest, and the workspace directory they route by.

export { DEFAULT_RETRY_OPTIONS, isRetriable, type RetryOptions } from "@facsimile/core";
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
  type RecordDecoder,
  type RecordDecoderDeps,
  type RecordDecoderOptions,
} from "./create-record-decoder.js";
export {
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
export type { BatcherOptions } from "./topic-batcher.js";
export {
  createStaticWorkspaceDirectory,
  type StaticWorkspace,
  type WorkspaceDirectory,
} from "./workspace-directory.js";
