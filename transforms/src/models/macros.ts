// The dbt-style macros a model template may call, as the seed's models use them: config(), source(),
// select_envelope_fields(), select_required_fields(), plus timestamp() for Timestamp column pairs. Each returns
// SQL text (or records something, for config and source); none of them touches DuckDB. Multi-line output
// carries INDENT markers that the renderer replaces with the call site's indentation.
import type { SchemaRegistry } from "@facsimile/schemas";
import { sqlIdent } from "../names.js";
import { ENVELOPE_COLUMNS, REQUIRED_COLUMNS } from "../source/source-columns.js";

/** Starts a continuation line of a macro's output; the renderer indents it like the macro's first line. */
export const INDENT = "\u0001";

/** The source group `{{ source('entities', 'X') }}` names; the seed's was `manifold_entities`. */
export const SOURCE_GROUP = "entities";

/** A macro misused; the renderer turns it into a ModelTemplateError at the call's line. */
export class MacroError extends Error {
  constructor(
    readonly macro: string,
    message: string,
  ) {
    super(message);
  }
}

export interface MacroContext {
  readonly registry: SchemaRegistry;
  /** The relation an entity's source compiles to. */
  readonly sourceRelation: (entity: string) => string;
  /** What config() and source() recorded during this render. */
  readonly recorded: { config: Record<string, unknown> | undefined; sources: string[] };
}

type Keywords = Record<string, unknown> & { __keywords: true };

function isKeywords(v: unknown): v is Keywords {
  return typeof v === "object" && v !== null && (v as { __keywords?: unknown }).__keywords === true;
}

function positional(name: string, args: unknown[], count: number, signature: string): unknown[] {
  if (args.some(isKeywords))
    throw new MacroError(name, `${name}() takes no keyword arguments; call it as ${signature}`);
  if (args.length !== count)
    throw new MacroError(
      name,
      `${name}() takes ${count} argument(s), got ${args.length}; call it as ${signature}`,
    );
  return args;
}

function castList(columns: readonly { name: string; type: string }[], trailingComma: boolean): string {
  const lines = columns.map((c) => `CAST(${sqlIdent(c.name)} AS ${c.type}) AS ${sqlIdent(c.name)}`);
  return lines.join(`,\n${INDENT}`) + (trailingComma ? "," : "");
}

/** Micros since the epoch of a `<prefix>_seconds`/`<prefix>_nanos` pair, as TIMESTAMPTZ (exact, zone-free). */
export function timestampSql(prefix: string): string {
  return `make_timestamptz(${prefix}_seconds * 1000000 + ${prefix}_nanos // 1000)`;
}

/** The macros as template globals, bound to one render's context. */
export function macros(ctx: MacroContext): Record<string, (...args: unknown[]) => unknown> {
  return {
    config(...args: unknown[]) {
      const kw = args.at(-1);
      if (args.length !== 1 || !isKeywords(kw))
        throw new MacroError(
          "config",
          "config() takes keyword arguments only, e.g. config(writer='merge', primary_key=[...])",
        );
      if (ctx.recorded.config !== undefined)
        throw new MacroError("config", "config() is called more than once");
      const { __keywords: _, ...values } = kw;
      ctx.recorded.config = values;
      return "";
    },
    source(...args: unknown[]) {
      const [group, entity] = positional("source", args, 2, "source('entities', '<Entity>')");
      if (group !== SOURCE_GROUP)
        throw new MacroError(
          "source",
          `unknown source group ${JSON.stringify(group)}; entities are source('${SOURCE_GROUP}', '<Entity>')`,
        );
      const known = ctx.registry.entities.map((e) => e.name);
      if (typeof entity !== "string" || !known.includes(entity))
        throw new MacroError(
          "source",
          `unknown source entity ${JSON.stringify(entity)}; known entities: ${known.join(", ")}`,
        );
      if (!ctx.recorded.sources.includes(entity)) ctx.recorded.sources.push(entity);
      return sqlIdent(ctx.sourceRelation(entity));
    },
    select_envelope_fields(...args: unknown[]) {
      positional("select_envelope_fields", args, 0, "select_envelope_fields()");
      return castList(ENVELOPE_COLUMNS, true);
    },
    select_required_fields(...args: unknown[]) {
      positional("select_required_fields", args, 0, "select_required_fields()");
      return castList(REQUIRED_COLUMNS, false);
    },
    timestamp(...args: unknown[]) {
      const [prefix] = positional("timestamp", args, 1, "timestamp('created_at')");
      if (typeof prefix !== "string" || !/^[^\s;'][^;\n']*$/.test(prefix))
        throw new MacroError(
          "timestamp",
          `timestamp() takes a column prefix such as 'created_at' or 'e.updated_at', got ${JSON.stringify(prefix)}`,
        );
      return timestampSql(prefix);
    },
  };
}

export const MACRO_NAMES: readonly string[] = Object.freeze([
  "config",
  "source",
  "select_envelope_fields",
  "select_required_fields",
  "timestamp",
]);
