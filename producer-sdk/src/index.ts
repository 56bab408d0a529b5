// Public surface of @facsimile/producer-sdk: createProducer (publish, delete, flush, close) for product services,
// and the workspace directory it routes by (defined in @facsimile/protocol, re-exported for convenience).

export { DEFAULT_RETRY_OPTIONS, isRetriable, type RetryOptions } from "@facsimile/core";
export {
  createStaticWorkspaceDirectory,
  type StaticWorkspace,
  type WorkspaceDirectory,
} from "@facsimile/protocol";
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
  OffloadFailedError,
  PayloadTooLargeError,
  ProducerClosedError,
  PublishFailedError,
  UnknownWorkspaceError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export type { BatcherOptions } from "./topic-batcher.js";
