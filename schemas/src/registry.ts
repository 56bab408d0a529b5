// The runtime schema registry: what the compiler emits (a registry manifest + a binary descriptor set) loaded
// into lookups by entity name, entity_type id and type_url, with protobuf descriptors for encode/decode.
// This is the contract between the compiler and its consumers (bus, producer-sdk, ingest, transforms).
// It must never read TypeScript sources: consumers get compiled artefacts only.
import { createFileRegistry, type DescMessage, type FileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { UnknownEntityError } from "./errors.js";

/** Proto package of the replication envelope (FacsimileRecord, Ari, OffloadPointer). */
export const ENVELOPE_PACKAGE = "facsimile.v1";
/** Proto package every entity message lives in. */
export const ENTITY_PACKAGE = "facsimile.entities.v1";
export const TYPE_URL_PREFIX = "type.googleapis.com/";

export type EntityStatus = "ACTIVE" | "DEPRECATED";

/** One entity as the registry knows it. */
export interface EntityInfo {
  /** The TypeScript interface name, e.g. "JiraIssue". */
  readonly name: string;
  /** Stable id from the lockfile; FacsimileRecord.entity_type. */
  readonly entityType: number;
  /** Fully-qualified proto message name, e.g. "facsimile.entities.v1.JiraIssue". */
  readonly messageName: string;
  /** google.protobuf.Any type url: TYPE_URL_PREFIX + messageName. */
  readonly typeUrl: string;
  /** Owning team (a member of the closed Team enum). */
  readonly owner: string;
  readonly status: EntityStatus;
}

/** The JSON the compiler writes next to the descriptor set. */
export interface RegistryManifest {
  readonly version: 1;
  readonly entities: readonly EntityInfo[];
}

export interface SchemaRegistry {
  readonly entities: readonly EntityInfo[];
  /** Descriptors of the envelope, every entity, their nested messages and enums, and well-known types. */
  readonly files: FileRegistry;
  /** Throws UnknownEntityError when the name is not registered. */
  entity(name: string): EntityInfo;
  entityByType(entityType: number): EntityInfo | undefined;
  entityByTypeUrl(typeUrl: string): EntityInfo | undefined;
  /** Message descriptor by fully-qualified name; throws UnknownEntityError when absent. */
  message(fullName: string): DescMessage;
}

export function createSchemaRegistry(manifest: RegistryManifest, descriptorSet: Uint8Array): SchemaRegistry {
  const files = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  const byName = new Map(manifest.entities.map((e) => [e.name, e]));
  const byType = new Map(manifest.entities.map((e) => [e.entityType, e]));
  const byUrl = new Map(manifest.entities.map((e) => [e.typeUrl, e]));
  for (const e of manifest.entities) {
    if (files.getMessage(e.messageName) === undefined) {
      throw new UnknownEntityError("message", e.messageName);
    }
  }
  return {
    entities: manifest.entities,
    files,
    entity(name) {
      const e = byName.get(name);
      if (e === undefined) throw new UnknownEntityError("name", name);
      return e;
    },
    entityByType: (entityType) => byType.get(entityType),
    entityByTypeUrl: (typeUrl) => byUrl.get(typeUrl),
    message(fullName) {
      const m = files.getMessage(fullName);
      if (m === undefined) throw new UnknownEntityError("message", fullName);
      return m;
    },
  };
}
