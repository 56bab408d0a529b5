// Generates the default model of every entity from its compiled schema, in the seed's shape: a CTE that CASTs
// each flat column (StringValue/ComposedBy `x_value` stay strings, Timestamp `x_seconds`/`x_nanos` become one
// TIMESTAMPTZ `x`, nested messages stay flattened `a_b`, enums are already names, repeated fields stay lists
// with their timestamps converted), then the envelope and required fields around it. Merge on the resource ARI,
// partitioned by workspace_id. The output is template text, compiled like any hand-written model.
import { entityColumns, type RowColumn, type SchemaRegistry } from "@facsimile/schemas";
import { defaultTableName, sqlIdent } from "../names.js";
import { duckdbColumnType, RESOURCE_KEY_COLUMN } from "../source/source-columns.js";
import { SOURCE_GROUP } from "./macros.js";
import type { ModelSource } from "./render-template.js";

type MessageDesc = ReturnType<SchemaRegistry["message"]>;

const TIMESTAMP = "google.protobuf.Timestamp";
const LEAF_MESSAGES = new Set([
  "google.protobuf.StringValue",
  "google.protobuf.BoolValue",
  "facsimile.v1.Ari",
]);

/** What the flat columns of a message hide: Timestamp pairs, and the element messages of repeated fields. */
interface Shape {
  /** Flat prefixes `p` whose `p_seconds`/`p_nanos` columns are one Timestamp. */
  readonly timestamps: Set<string>;
  /** Flat column name of a repeated message field -> its element message. */
  readonly lists: Map<string, MessageDesc>;
}

function shapeOf(
  desc: MessageDesc,
  prefix = "",
  shape: Shape = { timestamps: new Set(), lists: new Map() },
): Shape {
  for (const f of desc.fields) {
    const name = `${prefix}${f.name}`;
    if (f.fieldKind === "message") {
      if (f.message.typeName === TIMESTAMP) shape.timestamps.add(name);
      else if (!LEAF_MESSAGES.has(f.message.typeName)) shapeOf(f.message, `${name}_`, shape);
    } else if (f.fieldKind === "list" && f.listKind === "message") {
      shape.lists.set(name, f.message);
    }
  }
  return shape;
}

/** One output column: its name and the template expression that computes it. */
interface Projection {
  readonly name: string;
  readonly expr: string;
}

/**
 * Projections of flat columns read through `ref`, converting what needs it. Top-level scalars are CAST as in the
 * seed; inside a list element (depth > 1) values keep the source's types and only timestamps change. `indent` is
 * the indentation of the line a projection starts on (multi-line struct_pack bodies indent from it).
 */
function projections(
  columns: readonly RowColumn[],
  desc: MessageDesc,
  ref: (c: string) => string,
  depth: number,
  indent: string,
): Projection[] {
  const shape = shapeOf(desc);
  const out: Projection[] = [];
  const names = new Set(columns.map((c) => c.name));
  for (const c of columns) {
    const pair = c.name.endsWith("_seconds") ? c.name.slice(0, -"_seconds".length) : undefined;
    if (pair !== undefined && shape.timestamps.has(pair) && names.has(`${pair}_nanos`)) {
      out.push({ name: pair, expr: `{{ timestamp('${ref(pair)}') }}` });
      continue;
    }
    if (c.name.endsWith("_nanos") && shape.timestamps.has(c.name.slice(0, -"_nanos".length))) continue;
    const type = c.type;
    const element = shape.lists.get(c.name);
    const column = ref(sqlIdent(c.name));
    if (typeof type !== "string" && type.list === "row" && element !== undefined) {
      const e = `e${depth}`;
      if (element.typeName === TIMESTAMP) {
        const body = `make_timestamptz(${e}.seconds * 1000000 + ${e}.nanos // 1000)`;
        out.push({ name: c.name, expr: `list_transform(${column}, lambda ${e}: ${body})` });
        continue;
      }
      const inner = `${indent}  `;
      const fields = projections(type.columns, element, (n) => `${e}.${n}`, depth + 1, inner)
        .map((p) => `${inner}${sqlIdent(p.name)} := ${p.expr}`)
        .join(",\n");
      out.push({
        name: c.name,
        expr: `list_transform(${column}, lambda ${e}: struct_pack(\n${fields}\n${indent}))`,
      });
      continue;
    }
    out.push({ name: c.name, expr: depth === 1 ? `CAST(${column} AS ${duckdbColumnType(type)})` : column });
  }
  return out;
}

/** The default model template of one entity. */
export function defaultModelTemplate(registry: SchemaRegistry, entity: string): string {
  const info = registry.entity(entity);
  const table = defaultTableName(info.name);
  const cols = projections(
    entityColumns(registry, info.name),
    registry.message(info.messageName),
    (c) => c,
    1,
    "    ",
  );
  return [
    `{{ config(writer='merge', primary_key=['${RESOURCE_KEY_COLUMN}']) }}`,
    `{# Default model of ${info.name}, generated from its schema. To change it, write transforms/models/${table}.sql`,
    `   (start from \`facsimile transforms compile ${table} --template\`); config(enabled=false) switches it off. #}`,
    "WITH cte_0 AS (",
    "  SELECT",
    "    {{ select_envelope_fields() }}",
    ...cols.map((p) => `    ${p.expr} AS ${sqlIdent(p.name)},`),
    "    {{ select_required_fields() }}",
    `  FROM {{ source('${SOURCE_GROUP}', '${info.name}') }}`,
    ")",
    "SELECT",
    "  {{ select_envelope_fields() }}",
    ...cols.map((p) => `  ${sqlIdent(p.name)},`),
    "  {{ select_required_fields() }}",
    "FROM cte_0",
    "",
  ].join("\n");
}

/** The default model of every registered entity, named after its table (`JiraIssue` -> `jira_issue`). */
export function defaultModels(registry: SchemaRegistry): ModelSource[] {
  return registry.entities.map((e) => ({
    name: defaultTableName(e.name),
    file: `<default model of ${e.name}>`,
    origin: "default" as const,
    template: defaultModelTemplate(registry, e.name),
  }));
}
