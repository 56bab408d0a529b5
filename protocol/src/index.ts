// Public surface of @facsimile/protocol: what producers and ingest share. ARIs, region names, the FacsimileRecord
// envelope codec, the one last-writer-wins rule, where offloaded payloads live and how they are fetched and
// verified, the record decoder, and the workspace directory interface. No transport, no table format.

export {
  type Ari,
  ariEquals,
  isValidAri,
  isWorkspaceAri,
  MAX_ARI_LENGTH,
  WORKSPACE_ID_PATTERN,
  workspaceAri,
} from "./ari/ari.js";
export { formatAri } from "./ari/format-ari.js";
export { parseAri, tryParseAri } from "./ari/parse-ari.js";
export { workspaceAriString, workspaceKey } from "./ari/workspace-key.js";
export {
  createStaticWorkspaceDirectory,
  type StaticWorkspace,
  type WorkspaceDirectory,
} from "./directory/workspace-directory.js";
export {
  DEFAULT_DECODE_RECORD_OPTIONS,
  type DecodeRecordOptions,
  decodeRecord,
} from "./envelope/decode-record.js";
export { decodeRecordWithDescriptors, encodeRecordWithDescriptors } from "./envelope/descriptor-codec.js";
export {
  type EncodableRecord,
  encodeRecord,
  encodeRecordWith,
  type SizedPayload,
} from "./envelope/encode-record.js";
export { EMPTY_SHA256, payloadHash, recordLwwKey, sha256Hex } from "./envelope/payload-hash.js";
export {
  type AnyPayload,
  ENVELOPE_MESSAGE,
  type FacsimileRecord,
  NO_PAYLOAD,
  type OffloadPointer,
  type RecordPayload,
} from "./envelope/record.js";
export {
  InvalidAriError,
  InvalidRecordError,
  InvalidRegionError,
  OffloadIntegrityError,
  OffloadUnresolvableError,
  RecordDecodeError,
} from "./errors.js";
export {
  fetchVerifiedOffload,
  MAX_OFFLOAD_KEY_BYTES,
  MAX_OFFLOAD_KEY_SEGMENT_BYTES,
  offloadKeyProblem,
} from "./offload/fetch-verified-offload.js";
export {
  keyOfOffloadUri,
  OFFLOAD_CONTENT_TYPE,
  type OffloadedPayload,
  offloadKey,
  offloadUri,
} from "./offload/offload-location.js";
export { compareLww, type LwwKey, lwwMax, lwwWinner } from "./ordering/last-writer-wins.js";
export {
  createRecordDecoder,
  DEFAULT_RECORD_DECODER_OPTIONS,
  type DecodedRecord,
  type RecordDecoder,
  type RecordDecoderDeps,
  type RecordDecoderOptions,
} from "./records/create-record-decoder.js";
export { assertRegion, REGION_PATTERN } from "./region/region-name.js";
