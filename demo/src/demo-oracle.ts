// The records the demo's changes become on the bus, rebuilt independently of the producer for the
// last-writer-wins oracle (ingest's lwwOracle and verifyTables): the same entity bytes, the same envelope, and
// for payloads above the threshold the same content-addressed offload pointer under the region's prefix. Used
// after the run, to say whether the tables hold exactly what the workload says they must.

import type { WorkloadRecord } from "@facsimile/ingest/testing";
import type { ObjectStore } from "@facsimile/object-store";
import {
  encodeRecord,
  type FacsimileRecord,
  offloadKey,
  offloadUri,
  sha256Hex,
  workspaceAriString,
} from "@facsimile/protocol";
import { encodeEntity, type SchemaRegistry } from "@facsimile/schemas";
import type { DemoChange } from "./demo-change.js";
import { offloadPrefixOf } from "./publish-deliveries.js";

export interface DemoOracleInput {
  readonly registry: SchemaRegistry;
  /** The store offload pointers point into (its URL only). */
  readonly store: Pick<ObjectStore, "url">;
  readonly changes: readonly DemoChange[];
  readonly regionOf: ReadonlyMap<string, string>;
  readonly offloadThresholdBytes: number;
}

export interface DemoOracleRecords {
  /** One record per change, index for index. */
  readonly records: readonly WorkloadRecord[];
  /** Offload pointer URI -> the payload bytes behind it. */
  readonly offloaded: ReadonlyMap<string, Uint8Array>;
}

export function demoOracleRecords(input: DemoOracleInput): DemoOracleRecords {
  const offloaded = new Map<string, Uint8Array>();
  const records = input.changes.map((change): WorkloadRecord => {
    const info = input.registry.entity(change.entity);
    let payload: FacsimileRecord["payload"] = { case: undefined };
    if (change.value !== undefined) {
      const bytes = encodeEntity(input.registry, change.entity, change.value);
      if (bytes.length > input.offloadThresholdBytes) {
        const sha256 = sha256Hex(bytes);
        const region = input.regionOf.get(change.workspaceId) ?? "";
        const uri = offloadUri(
          input.store as ObjectStore,
          offloadKey(offloadPrefixOf(region), change.workspaceId, sha256),
        );
        offloaded.set(uri, bytes);
        payload = {
          case: "offloadPointer",
          value: { uri, sha256, sizeBytes: bytes.length, typeUrl: info.typeUrl },
        };
      } else payload = { case: "entity", value: { typeUrl: info.typeUrl, value: bytes } };
    }
    const record: FacsimileRecord = {
      resourceAri: change.resourceAri,
      entityType: info.entityType,
      workspaceId: workspaceAriString(change.workspaceId),
      version: change.version,
      generationWatermark: change.generation,
      isTombstone: change.value === undefined,
      payload,
    };
    return { workspaceId: change.workspaceId, entity: change.entity, record, bytes: encodeRecord(record) };
  });
  return { records, offloaded };
}
