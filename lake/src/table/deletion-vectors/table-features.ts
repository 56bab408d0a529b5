// The table features this implementation reads and writes, and the protocol of a table with deletion vectors:
// reader 3 / writer 7 listing `deletionVectors` in both feature lists, active when the table property
// `delta.enableDeletionVectors` is "true" (writers may only write DVs then; readers apply any DV they find). Pure.
import type { MetadataAction, ProtocolAction } from "../actions.js";

export const DV_FEATURE = "deletionVectors";
export const DV_PROPERTY = "delta.enableDeletionVectors";

/** Reader features we apply (reader version 3). */
export const READER_FEATURES: ReadonlySet<string> = new Set([DV_FEATURE]);
/**
 * Writer features we honour (writer version 7): the two that writer version 2 implies, as for a version 2 table,
 * and deletion vectors.
 */
export const WRITER_FEATURES: ReadonlySet<string> = new Set(["appendOnly", "invariants", DV_FEATURE]);

/** The protocol of a new table with deletion vectors. */
export const DV_PROTOCOL: ProtocolAction = Object.freeze({
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures: [DV_FEATURE],
  writerFeatures: [DV_FEATURE],
});

/** Reader features of `protocol` we cannot apply (empty when we can read the table). */
export function unsupportedReaderFeatures(protocol: ProtocolAction): string[] {
  if (protocol.minReaderVersion <= 1) return [];
  if (protocol.minReaderVersion === 2) return ["columnMapping (reader version 2)"];
  if (protocol.minReaderVersion > 3) return [`reader version ${protocol.minReaderVersion}`];
  return (protocol.readerFeatures ?? []).filter((f) => !READER_FEATURES.has(f));
}

/** Writer features of `protocol` we cannot honour (empty when we can write the table). */
export function unsupportedWriterFeatures(protocol: ProtocolAction): string[] {
  if (protocol.minWriterVersion <= 2) return [];
  if (protocol.minWriterVersion !== 7) return [`writer version ${protocol.minWriterVersion}`];
  return (protocol.writerFeatures ?? []).filter((f) => !WRITER_FEATURES.has(f));
}

/** Whether writers may write deletion vectors into the table. */
export function deletionVectorsEnabled(protocol: ProtocolAction, metadata: MetadataAction): boolean {
  return (
    (protocol.writerFeatures ?? []).includes(DV_FEATURE) && metadata.configuration[DV_PROPERTY] === "true"
  );
}

/**
 * `protocol` with the deletion-vector feature added: a legacy writer-2 table becomes 3 / 7 and lists the
 * features version 2 implied (appendOnly, invariants) explicitly, as the protocol asks of an upgrade.
 */
export function withDeletionVectors(protocol: ProtocolAction): ProtocolAction {
  const legacyWriter = protocol.minWriterVersion < 7 ? ["appendOnly", "invariants"] : [];
  const readers = protocol.minReaderVersion === 3 ? (protocol.readerFeatures ?? []) : [];
  const writers = protocol.minWriterVersion === 7 ? (protocol.writerFeatures ?? []) : legacyWriter;
  return {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [...new Set([...readers, DV_FEATURE])],
    writerFeatures: [...new Set([...writers, DV_FEATURE])],
  };
}
