// The compiler: entity sources + lockfile -> every generated artefact, in memory. Writing them out is
// write-generated.ts's job, so `check` and the up-to-date test can compare without touching the tree.
import type { RegistryManifest } from "@facsimile/schemas";
import { ENTITY_PACKAGE, entityProtoPath, TYPE_URL_PREFIX } from "@facsimile/schemas";
import { SchemaCompileError } from "../compile-errors.js";
import { type BuildModelInput, type BuiltModel, buildModel } from "./build-model.js";
import { emitDescriptorSet } from "./emit-descriptors.js";
import { emitEntityProto, emitEnvelopeProto } from "./emit-proto.js";
import { emitInputs, emitValidators } from "./emit-typescript.js";
import { LOCKFILE_NAME, serializeLockfile } from "./lockfile.js";
import type { NumberedEntity } from "./model.js";
import { ENVELOPE_PROTO_PATH } from "./proto-types.js";

/** Where each artefact goes, relative to the schemas folder. */
export const GENERATED_PATHS = Object.freeze({
  protoDir: "gen/proto",
  descriptors: "gen/descriptors.binpb",
  registry: "gen/registry.json",
  tsDir: "src/generated",
  inputs: "src/generated/inputs.ts",
  validators: "src/generated/validators.ts",
  lockfile: LOCKFILE_NAME,
});

export interface CompiledSchemas extends BuiltModel {
  /** Path relative to the schemas folder -> content; includes the lockfile. */
  readonly files: ReadonlyMap<string, string | Uint8Array>;
  readonly registry: RegistryManifest;
}

export function registryManifest(entities: readonly NumberedEntity[]): RegistryManifest {
  return {
    version: 1,
    entities: [...entities]
      .sort((a, b) => a.entityType - b.entityType)
      .map((e) => ({
        name: e.name,
        entityType: e.entityType,
        messageName: `${ENTITY_PACKAGE}.${e.name}`,
        typeUrl: `${TYPE_URL_PREFIX}${ENTITY_PACKAGE}.${e.name}`,
        owner: e.owner ?? "",
        status: e.status,
      })),
  };
}

/** Every artefact of a model that built without diagnostics; throws SchemaCompileError otherwise. */
export function emitCompiled(built: BuiltModel): CompiledSchemas {
  if (built.diagnostics.length > 0) throw new SchemaCompileError(built.diagnostics);
  const { entities } = built.model;
  const files = new Map<string, string | Uint8Array>();
  files.set(`${GENERATED_PATHS.protoDir}/${ENVELOPE_PROTO_PATH}`, emitEnvelopeProto());
  for (const e of entities)
    files.set(`${GENERATED_PATHS.protoDir}/${entityProtoPath(e.name)}`, emitEntityProto(e));
  files.set(GENERATED_PATHS.descriptors, emitDescriptorSet(entities));
  const registry = registryManifest(entities);
  files.set(GENERATED_PATHS.registry, `${JSON.stringify(registry, null, 2)}\n`);
  files.set(GENERATED_PATHS.inputs, emitInputs(entities));
  files.set(GENERATED_PATHS.validators, emitValidators(entities));
  files.set(GENERATED_PATHS.lockfile, serializeLockfile(built.lockfile));
  return { ...built, files, registry };
}

/** Throws SchemaCompileError with every diagnostic when the sources or the lockfile do not compile. */
export async function compileSchemas(input: BuildModelInput): Promise<CompiledSchemas> {
  return emitCompiled(await buildModel(input));
}
