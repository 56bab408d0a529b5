// Compiles the whole set of models: one generated default per entity, then the hand-written models of the
// models folder, a file replacing the default of the same name (or switching it off with enabled=false).
// Returns the models and, per entity, the models that read it (one entity feeds many tables). Pure apart from
// reading the models folder; every target table must be written by exactly one model.
import type { SchemaRegistry } from "@facsimile/schemas";
import { ModelConflictError } from "../errors.js";
import { sourceRelationName } from "../names.js";
import { type CompiledModel, compileModel } from "./compile-model.js";
import { defaultModels } from "./default-models.js";
import { DEFAULT_MODELS_DIR, readModelFiles } from "./read-model-files.js";
import type { ModelSource } from "./render-template.js";

export interface CompileModelsOptions {
  /** Folder of hand-written `<name>.sql` models; null: defaults only. */
  readonly modelsDir: string | null;
  /** Generate a default model per entity. */
  readonly defaults: boolean;
  /** The relation `{{ source('entities', X) }}` compiles to. */
  readonly sourceRelation: (entity: string) => string;
}

export const COMPILE_MODELS_DEFAULTS: Readonly<CompileModelsOptions> = Object.freeze({
  modelsDir: DEFAULT_MODELS_DIR,
  defaults: true,
  sourceRelation: sourceRelationName,
});

export interface CompiledModels {
  /** Enabled models, sorted by name. */
  readonly models: readonly CompiledModel[];
  readonly byName: ReadonlyMap<string, CompiledModel>;
  /** Every registered entity -> the models that read it (possibly none), sorted by name. */
  readonly byEntity: ReadonlyMap<string, readonly CompiledModel[]>;
  /** Names of default models a model file replaced or switched off. */
  readonly overridden: readonly string[];
  /** Names of models switched off with config(enabled=false). */
  readonly disabled: readonly string[];
}

/** Defaults and files merged by name, files winning; the source each model came from. */
export async function modelSources(
  registry: SchemaRegistry,
  options: Partial<CompileModelsOptions> = {},
): Promise<{ sources: ModelSource[]; overridden: string[] }> {
  const o = { ...COMPILE_MODELS_DEFAULTS, ...options };
  const byName = new Map<string, ModelSource>();
  if (o.defaults) for (const m of defaultModels(registry)) byName.set(m.name, m);
  const overridden: string[] = [];
  if (o.modelsDir !== null)
    for (const m of await readModelFiles(o.modelsDir)) {
      if (byName.get(m.name)?.origin === "default") overridden.push(m.name);
      byName.set(m.name, m);
    }
  const sources = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { sources, overridden };
}

export async function compileModels(
  registry: SchemaRegistry,
  options: Partial<CompileModelsOptions> = {},
): Promise<CompiledModels> {
  const o = { ...COMPILE_MODELS_DEFAULTS, ...options };
  const { sources, overridden } = await modelSources(registry, o);
  const models: CompiledModel[] = [];
  const disabled: string[] = [];
  for (const source of sources) {
    const model = compileModel(registry, source, { sourceRelation: o.sourceRelation });
    if (model === null) disabled.push(source.name);
    else models.push(model);
  }
  const byTable = new Map<string, CompiledModel>();
  for (const m of models) {
    const other = byTable.get(m.table);
    if (other !== undefined)
      throw new ModelConflictError(
        `models ${other.name} (${other.file}) and ${m.name} (${m.file}) both write table ${m.table}; ` +
          "a table has exactly one model: rename one, or override the other by its model name",
        { table: m.table, models: [other.name, m.name] },
      );
    byTable.set(m.table, m);
  }
  const byEntity = new Map<string, CompiledModel[]>(registry.entities.map((e) => [e.name, []]));
  for (const m of models) for (const e of m.entities) byEntity.get(e)?.push(m);
  return {
    models,
    byName: new Map(models.map((m) => [m.name, m])),
    byEntity,
    overridden,
    disabled,
  };
}
