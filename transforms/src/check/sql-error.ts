// Turns a DuckDB error about a model's compiled SQL into a ModelSqlError that points at the model file: DuckDB
// names a line of the compiled SQL (`LINE 12: ...`); when that line's text occurs exactly once in the template
// (most lines are plain SQL, not macro output) the error names the template line, else the compiled line.
import { ModelSqlError } from "../errors.js";
import type { CompiledModel } from "../models/compile-model.js";

/** The 1-based template line whose text is the compiled line's, if exactly one is. */
function templateLineOf(template: string, compiledLine: string): number | undefined {
  const wanted = compiledLine.trim();
  if (wanted === "") return undefined;
  const hits: number[] = [];
  template.split("\n").forEach((line, i) => {
    if (line.trim() === wanted) hits.push(i + 1);
  });
  return hits.length === 1 ? hits[0] : undefined;
}

/** `sql` is the text DuckDB ran; its line numbers are the compiled SQL's when the wrapper adds no lines. */
export function sqlErrorOf(model: CompiledModel, sql: string, err: unknown, what: string): ModelSqlError {
  const message = err instanceof Error ? err.message : String(err);
  const lineNo = /\bLINE (\d+):/.exec(message)?.[1];
  const sqlLine = lineNo === undefined ? undefined : Number(lineNo);
  const text = sqlLine === undefined ? undefined : sql.split("\n")[sqlLine - 1];
  const line = text === undefined ? undefined : templateLineOf(model.template, text);
  const where = sqlLine !== undefined && line === undefined ? ` (line ${sqlLine} of the compiled SQL)` : "";
  const detail = message
    .split("\n")
    .filter((l) => l.trim() !== "")
    .join("\n    ");
  return new ModelSqlError(
    { model: model.name, file: model.file, line },
    `${what}${where}: ${detail}`,
    sqlLine === undefined ? { cause: err } : { sqlLine, cause: err },
  );
}
