// The protocol of a table with deletion vectors (which features we read and write at all: ../table-features.ts):
// reader 3 / writer 7 listing `deletionVectors` in both feature lists, active when the table property
// `delta.enableDeletionVectors` is "true" (writers may only write DVs then; readers apply any DV they find). Pure.
import type { MetadataAction, ProtocolAction } from "../actions.js";

export const DV_FEATURE = "deletionVectors";
export const DV_PROPERTY = "delta.enableDeletionVectors";

/** The protocol of a new table with deletion vectors. */
export const DV_PROTOCOL: ProtocolAction = Object.freeze({
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures: [DV_FEATURE],
  writerFeatures: [DV_FEATURE],
});

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
