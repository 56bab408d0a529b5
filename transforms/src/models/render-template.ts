// Renders one model template with nunjucks (a Jinja implementation: the dbt template language) and the macros,
// and turns every template failure into a ModelTemplateError at the model file's line and column. Rendering is
// pure: no file or database access, so a model can be re-rendered against other relation names at will.
import nunjucks from "nunjucks";
import { type ModelLocation, ModelTemplateError } from "../errors.js";
import { INDENT, MACRO_NAMES, type MacroContext, MacroError, macros } from "./macros.js";

/** A model before compiling: its name, where it came from, and its template text. */
export interface ModelSource {
  /** The model name: the file's base name, or the default table name of an entity. */
  readonly name: string;
  /** The model file's path, or `<default model of Entity>`. */
  readonly file: string;
  readonly origin: "default" | "file";
  readonly template: string;
}

export interface RenderedModel {
  readonly sql: string;
  /** The keyword arguments of config(), or undefined when the template never calls it. */
  readonly config: Readonly<Record<string, unknown>> | undefined;
  /** The entities source() was called with, in order of first call. */
  readonly sources: readonly string[];
}

/** The 1-based line of the config() call, for config errors. */
export function configLine(template: string): number | undefined {
  const at = /\{\{-?\s*config\s*\(/.exec(template);
  return at === null ? undefined : template.slice(0, at.index).split("\n").length;
}

interface NunjucksError extends Error {
  lineno?: number;
  colno?: number;
  cause?: unknown;
}

function templateError(model: ModelSource, err: NunjucksError): ModelTemplateError {
  // nunjucks reports errors thrown while calling a function at the call's 0-based position, and its own parse
  // and output errors 1-based; the wrapped error (`cause`) tells them apart.
  // A call's position is its opening parenthesis; the column reported is where the called name starts.
  const thrown = err.cause instanceof Error ? err.cause : undefined;
  const shift = thrown === undefined ? 0 : 1;
  let reason = thrown?.message ?? err.message.split("\n").slice(1).join(" ").trim();
  if (reason === "") reason = err.message;
  const uncallable = /^Unable to call `([^`]+)`, which is undefined or falsey$/.exec(reason);
  const callee = thrown instanceof MacroError ? thrown.macro : uncallable?.[1];
  const at: ModelLocation = {
    model: model.name,
    file: model.file,
    line: err.lineno === undefined ? undefined : err.lineno + shift,
    column: err.colno === undefined ? undefined : err.colno + shift - (callee?.length ?? 0),
  };
  if (uncallable !== null)
    reason = `unknown macro ${uncallable[1]}(); the macros are ${MACRO_NAMES.map((m) => `${m}()`).join(", ")}`;
  else if (reason === "attempted to output null or undefined value")
    reason = `undefined variable or value; models see no variables, only the macros ${MACRO_NAMES.join(", ")}`;
  else if (!(thrown instanceof MacroError) && thrown !== undefined) reason = `${thrown.name}: ${reason}`;
  return new ModelTemplateError(at, reason, { cause: err });
}

/** Replaces INDENT markers with the indentation of the line the macro call started on. */
function indentMacroLines(text: string): string {
  let indent = "";
  return text
    .split("\n")
    .map((line) => {
      if (line.startsWith(INDENT)) return indent + line.slice(INDENT.length);
      indent = /^[ \t]*/.exec(line)?.[0] ?? "";
      return line;
    })
    .join("\n");
}

/** Tidies the rendered SQL: no trailing blanks, no leading blank lines (the config header's). */
function tidy(text: string): string {
  const lines = indentMacroLines(text)
    .split("\n")
    .map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  return lines.join("\n").trimEnd();
}

export function renderTemplate(model: ModelSource, ctx: Omit<MacroContext, "recorded">): RenderedModel {
  const recorded: MacroContext["recorded"] = { config: undefined, sources: [] };
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, dev: true });
  for (const [name, fn] of Object.entries(macros({ ...ctx, recorded }))) env.addGlobal(name, fn);
  let text: string;
  try {
    text = new nunjucks.Template(model.template, env, model.file, true).render({});
  } catch (err) {
    throw templateError(model, err as NunjucksError);
  }
  return { sql: tidy(text), config: recorded.config, sources: recorded.sources };
}
