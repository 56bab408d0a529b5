// Compiles one model: renders its template, reads its config() and the entity its source() names, and returns
// the DuckDB SQL with the writer configuration. Pure (no DuckDB): checkModels is what asks DuckDB about the SQL.
import type { SchemaRegistry } from "@facsimile/schemas";
import { type ModelLocation, ModelTemplateError } from "../errors.js";
import { sourceRelationName } from "../names.js";
import { type ModelWriterConfig, parseModelConfig } from "./model-config.js";
import { configLine, type ModelSource, renderTemplate } from "./render-template.js";

/** A compiled, enabled model: what the ingest stage runs for each micro-batch of its entity. */
export interface CompiledModel {
  readonly name: string;
  /** The target table. */
  readonly table: string;
  /** Assignable to @facsimile/lake's WriterConfig. */
  readonly writer: ModelWriterConfig;
  /** The entities the model reads (exactly one today). */
  readonly entities: readonly string[];
  /** DuckDB SQL over the source relations named by `sourceRelation` at compile time. */
  readonly sql: string;
  readonly origin: ModelSource["origin"];
  readonly file: string;
  readonly template: string;
  /** The same model's SQL over other relations (e.g. a filtered view of the source). */
  sqlFor(sourceRelation: (entity: string) => string): string;
}

export interface CompileModelOptions {
  /** The relation `{{ source('entities', X) }}` compiles to. */
  readonly sourceRelation: (entity: string) => string;
}

export const COMPILE_MODEL_DEFAULTS: Readonly<CompileModelOptions> = Object.freeze({
  sourceRelation: sourceRelationName,
});

/** Compiles a model; null when its config says enabled=false (it switches a default model off). */
export function compileModel(
  registry: SchemaRegistry,
  source: ModelSource,
  options: Partial<CompileModelOptions> = {},
): CompiledModel | null {
  const o = { ...COMPILE_MODEL_DEFAULTS, ...options };
  const rendered = renderTemplate(source, { registry, sourceRelation: o.sourceRelation });
  const at: ModelLocation = { model: source.name, file: source.file, line: configLine(source.template) };
  const config = parseModelConfig(at, rendered.config);
  if (!config.enabled || config.writer === undefined) return null;
  if (rendered.sources.length !== 1)
    throw new ModelTemplateError(
      { model: source.name, file: source.file },
      rendered.sources.length === 0
        ? "the model reads no source; select FROM {{ source('entities', '<Entity>') }}"
        : `the model reads ${rendered.sources.join(" and ")}; a model reads exactly one entity ` +
            "(one entity feeds many models, each its own table)",
    );
  return Object.freeze({
    name: source.name,
    table: config.table,
    writer: config.writer,
    entities: Object.freeze([...rendered.sources]),
    sql: rendered.sql,
    origin: source.origin,
    file: source.file,
    template: source.template,
    sqlFor: (sourceRelation: (entity: string) => string) =>
      renderTemplate(source, { registry, sourceRelation }).sql,
  });
}
