// Committed overrides: the only way to let an intended break through the check. Each names the rule, the
// entity, optionally the field, and why; the check reports every override it applied, and the ones that
// matched nothing, so a reviewer sees them. Overrides live in schemas/facsimile.overrides.json.
import { SchemaCheckUsageError } from "../compile-errors.js";
import { type Finding, isRuleId, RULE_IDS, type RuleId } from "./rules.js";

export const OVERRIDES_FILE = "facsimile.overrides.json";

export interface Override {
  readonly rule: RuleId;
  readonly entity: string;
  /** Same spelling as Finding.field; absent: every finding of the rule on the entity. */
  readonly field?: string;
  readonly reason: string;
}

export interface OverridesFile {
  readonly overrides: readonly Override[];
}

export function parseOverrides(text: string | undefined, file: string): Override[] {
  if (text === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SchemaCheckUsageError(`${file}: not JSON: ${(err as Error).message}`, { file });
  }
  const list = (raw as { overrides?: unknown }).overrides;
  if (typeof raw !== "object" || raw === null || !Array.isArray(list)) {
    throw new SchemaCheckUsageError(
      `${file}: expected { "overrides": [ { rule, entity, field?, reason } ] }`,
      { file },
    );
  }
  return list.map((o: unknown, i) => {
    const r = o as Record<string, unknown>;
    const where = `${file}: overrides[${i}]`;
    if (typeof r !== "object" || r === null)
      throw new SchemaCheckUsageError(`${where} is not an object`, { file });
    if (typeof r.rule !== "string" || !isRuleId(r.rule)) {
      throw new SchemaCheckUsageError(`${where}.rule must be one of ${RULE_IDS.join(", ")}`, { file });
    }
    if (r.rule === "GENERATED_UP_TO_DATE") {
      throw new SchemaCheckUsageError(`${where}: GENERATED_UP_TO_DATE cannot be overridden: run compile`, {
        file,
      });
    }
    if (typeof r.entity !== "string" || r.entity === "") {
      throw new SchemaCheckUsageError(`${where}.entity must name the entity`, { file });
    }
    if (r.field !== undefined && typeof r.field !== "string") {
      throw new SchemaCheckUsageError(`${where}.field must be a string when given`, { file });
    }
    if (typeof r.reason !== "string" || r.reason.trim().length < 10) {
      throw new SchemaCheckUsageError(`${where}.reason must say why the break is intended (10+ characters)`, {
        file,
      });
    }
    return {
      rule: r.rule,
      entity: r.entity,
      ...(r.field === undefined ? {} : { field: r.field }),
      reason: r.reason,
    };
  });
}

export interface AppliedOverrides {
  readonly violations: Finding[];
  readonly overridden: { finding: Finding; override: Override }[];
  readonly unused: Override[];
}

export function applyOverrides(
  findings: readonly Finding[],
  overrides: readonly Override[],
): AppliedOverrides {
  const used = new Set<Override>();
  const violations: Finding[] = [];
  const overridden: { finding: Finding; override: Override }[] = [];
  for (const finding of findings) {
    const match = overrides.find(
      (o) =>
        o.rule === finding.rule &&
        o.entity === finding.entity &&
        (o.field === undefined || o.field === finding.field),
    );
    if (match === undefined) {
      violations.push(finding);
    } else {
      used.add(match);
      overridden.push({ finding, override: match });
    }
  }
  return { violations, overridden, unused: overrides.filter((o) => !used.has(o)) };
}
