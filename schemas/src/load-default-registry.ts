// The registry of this repository's own entities, read from the checked-in artefacts in schemas/gen.
// Paths resolve against this module, so it works from src/ (vitest) and from dist/ alike. Loaded once.
import { readFileSync } from "node:fs";
import { createSchemaRegistry, type RegistryManifest, type SchemaRegistry } from "./registry.js";

let cached: SchemaRegistry | undefined;

/** The descriptor set and registry manifest of `schemas/entities`, as last compiled. */
export function loadDefaultRegistry(): SchemaRegistry {
  if (cached === undefined) {
    const manifest = JSON.parse(
      readFileSync(new URL("../gen/registry.json", import.meta.url), "utf8"),
    ) as RegistryManifest;
    const descriptors = readFileSync(new URL("../gen/descriptors.binpb", import.meta.url));
    cached = createSchemaRegistry(manifest, new Uint8Array(descriptors));
  }
  return cached;
}
