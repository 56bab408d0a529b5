// Renders a check report as text (for people), JSON lines (for tools) or GitHub workflow commands
// (`::error file=..,line=..::` annotations on the pull request). Pure string building.
import type { Diagnostic } from "../compile-errors.js";
import type { CheckReport } from "./check-schemas.js";
import type { Finding } from "./rules.js";

export type ReportFormat = "text" | "json" | "github";
export const REPORT_FORMATS: readonly ReportFormat[] = Object.freeze(["text", "json", "github"]);

function subject(f: Finding): string {
  if (f.entity === undefined) return "";
  return f.field === undefined ? `${f.entity}: ` : `${f.entity}.${f.field}: `;
}

function summary(r: CheckReport): string {
  const base = `${r.against} (${r.baseCommit.slice(0, 12)})`;
  if (r.compileErrors.length > 0)
    return `schemas check against ${base}: ${r.compileErrors.length} compile error(s)`;
  return (
    `schemas check against ${base}: ${r.violations.length} violation(s), ${r.overridden.length} overridden` +
    (r.unusedOverrides.length > 0 ? `, ${r.unusedOverrides.length} unused override(s)` : "")
  );
}

function text(r: CheckReport): string {
  const out: string[] = [];
  for (const d of r.compileErrors)
    out.push(`${d.file}:${d.line}: error ${d.code}: ${d.message}`, `  hint: ${d.hint}`);
  for (const f of r.violations)
    out.push(`${f.file}:${f.line}: ${f.rule} ${subject(f)}${f.message}`, `  hint: ${f.hint}`);
  for (const { finding: f, override } of r.overridden) {
    out.push(
      `${f.file}:${f.line}: ${f.rule} (overridden) ${subject(f)}${f.message}`,
      `  override: ${override.reason}`,
    );
  }
  for (const o of r.unusedOverrides) {
    out.push(
      `warning: override ${o.rule} ${o.entity}${o.field === undefined ? "" : `.${o.field}`} matched nothing`,
    );
  }
  for (const d of r.baseWarnings) out.push(`warning: base ${d.file}:${d.line}: ${d.code}: ${d.message}`);
  out.push(summary(r));
  return `${out.join("\n")}\n`;
}

function json(r: CheckReport): string {
  const lines: unknown[] = [
    ...r.compileErrors.map((d: Diagnostic) => ({ type: "compile_error", ...d })),
    ...r.violations.map((f) => ({ type: "violation", ...f })),
    ...r.overridden.map(({ finding, override }) => ({
      type: "overridden",
      ...finding,
      reason: override.reason,
    })),
    ...r.unusedOverrides.map((o) => ({ type: "unused_override", ...o })),
    ...r.baseWarnings.map((d) => ({ type: "base_warning", ...d })),
    {
      type: "summary",
      against: r.against,
      baseCommit: r.baseCommit,
      compileErrors: r.compileErrors.length,
      violations: r.violations.length,
      overridden: r.overridden.length,
      unusedOverrides: r.unusedOverrides.length,
    },
  ];
  return `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
}

/** GitHub workflow command escaping: data and property values differ. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function annotation(
  level: "error" | "warning" | "notice",
  file: string,
  line: number,
  title: string,
  msg: string,
) {
  return `::${level} file=${escapeProperty(file)},line=${line},title=${escapeProperty(title)}::${escapeData(msg)}`;
}

function github(r: CheckReport): string {
  const out: string[] = [];
  for (const d of r.compileErrors)
    out.push(annotation("error", d.file, d.line, d.code, `${d.message}\nhint: ${d.hint}`));
  for (const f of r.violations) {
    out.push(annotation("error", f.file, f.line, f.rule, `${subject(f)}${f.message}\nhint: ${f.hint}`));
  }
  for (const { finding: f, override } of r.overridden) {
    out.push(
      annotation(
        "notice",
        f.file,
        f.line,
        `${f.rule} (overridden)`,
        `${subject(f)}${f.message}\noverride: ${override.reason}`,
      ),
    );
  }
  for (const o of r.unusedOverrides) {
    out.push(
      `::warning title=unused override::${escapeData(`${o.rule} ${o.entity} ${o.field ?? ""} matched nothing`)}`,
    );
  }
  out.push(summary(r));
  return `${out.join("\n")}\n`;
}

export function formatCheckReport(report: CheckReport, format: ReportFormat): string {
  return format === "json" ? json(report) : format === "github" ? github(report) : text(report);
}
