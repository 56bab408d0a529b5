// `facsimile schemas check --against <ref>` as a function: compiles the base revision (read from git) and
// the working tree, compares sources and lockfiles under the expand-contract rules, checks that the
// generated files are current, and applies committed overrides. Reads git and the disk; writes nothing.
import { join, relative, sep } from "node:path";
import type { Diagnostic } from "../compile-errors.js";
import { buildModel } from "../compiler/build-model.js";
import { emitCompiled, GENERATED_PATHS } from "../compiler/compile-schemas.js";
import { diffGenerated } from "../compiler/diff-generated.js";
import { LOCKFILE_NAME } from "../compiler/lockfile.js";
import type { SourceLocation } from "../compiler/model.js";
import { readEntitySources, readOptionalFile } from "../compiler/read-entity-sources.js";
import { compareLockfiles } from "./compare-lockfiles.js";
import { compareModels } from "./compare-models.js";
import { readRevisionSchemas, repositoryRoot, resolveCommit } from "./git-revision.js";
import { applyOverrides, OVERRIDES_FILE, type Override, parseOverrides } from "./overrides.js";
import { type Finding, isRuleId } from "./rules.js";

export interface CheckSchemasOptions {
  /** The schemas folder of the working tree (absolute or relative to the process cwd). */
  readonly schemasDir: string;
  /** The git ref to compare against, e.g. origin/main. */
  readonly against: string;
  /** Overrides file; default <schemasDir>/facsimile.overrides.json. */
  readonly overridesPath?: string;
}

export interface CheckReport {
  readonly against: string;
  readonly baseCommit: string;
  /** The schemas folder relative to the repository root ("" when it is the root). */
  readonly schemasPath: string;
  readonly violations: readonly Finding[];
  readonly overridden: readonly { readonly finding: Finding; readonly override: Override }[];
  readonly unusedOverrides: readonly Override[];
  /** The working tree does not compile: nothing was compared. Paths are repository-relative. */
  readonly compileErrors: readonly Diagnostic[];
  /** The base revision has problems of its own; reported, never blocking. */
  readonly baseWarnings: readonly Diagnostic[];
}

/** 0 clean (or only overridden), 1 violations, 2 the working tree does not compile. */
export function checkExitCode(report: CheckReport): 0 | 1 | 2 {
  if (report.compileErrors.length > 0) return 2;
  return report.violations.length > 0 ? 1 : 0;
}

async function readHeadSources(schemasDir: string): Promise<Map<string, string>> {
  try {
    return await readEntitySources(schemasDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw err;
  }
}

function byPlace(a: Finding, b: Finding): number {
  return a.file === b.file ? a.line - b.line || (a.rule < b.rule ? -1 : 1) : a.file < b.file ? -1 : 1;
}

export async function checkSchemas(options: CheckSchemasOptions): Promise<CheckReport> {
  const repoRoot = await repositoryRoot(options.schemasDir);
  const schemasPath = relative(repoRoot, options.schemasDir).split(sep).join("/");
  const prefix = schemasPath === "" ? "" : `${schemasPath}/`;
  const repoPath = (p: string) => `${prefix}${p}`;
  const locate = (at: SourceLocation) => ({ file: repoPath(at.file), line: at.line });
  const baseCommit = await resolveCommit(repoRoot, options.against);

  const base = await readRevisionSchemas(repoRoot, baseCommit, schemasPath, LOCKFILE_NAME);
  const headLockText = await readOptionalFile(join(options.schemasDir, LOCKFILE_NAME));
  const headInput = {
    sources: await readHeadSources(options.schemasDir),
    lockfileText: headLockText,
    lockfilePath: LOCKFILE_NAME,
  };
  const [baseBuilt, headBuilt] = await Promise.all([
    buildModel({ ...base, lockfilePath: LOCKFILE_NAME }),
    buildModel(headInput),
  ]);
  const toRepo = (d: Diagnostic): Diagnostic => ({ ...d, file: repoPath(d.file) });
  const overridesPath = options.overridesPath ?? join(options.schemasDir, OVERRIDES_FILE);
  const overrides = parseOverrides(await readOptionalFile(overridesPath), relative(repoRoot, overridesPath));
  const report = {
    against: options.against,
    baseCommit,
    schemasPath,
    baseWarnings: baseBuilt.diagnostics.map(toRepo),
  };
  const compileErrors = headBuilt.diagnostics.filter((d) => d.rule === undefined || !isRuleId(d.rule));
  if (compileErrors.length > 0) {
    return {
      ...report,
      violations: [],
      overridden: [],
      unusedOverrides: [],
      compileErrors: compileErrors.map(toRepo),
    };
  }

  const findings: Finding[] = [
    ...compareModels(
      { entities: baseBuilt.model.entities, lockfile: baseBuilt.lockfileBefore },
      { entities: headBuilt.model.entities, lockfile: headBuilt.lockfileBefore },
      locate,
    ),
    ...compareLockfiles(
      baseBuilt.lockfileBefore,
      headBuilt.lockfileBefore,
      headLockText ?? "",
      repoPath(LOCKFILE_NAME),
    ),
  ];
  for (const d of headBuilt.diagnostics) {
    if (d.rule === undefined || !isRuleId(d.rule)) continue;
    findings.push({
      rule: d.rule,
      ...(d.entity === undefined ? {} : { entity: d.entity }),
      message: d.message,
      hint: d.hint,
      ...locate(d),
    });
  }
  if (headBuilt.diagnostics.length === 0) {
    const compiled = emitCompiled(headBuilt);
    for (const diff of await diffGenerated(options.schemasDir, compiled.files)) {
      const what =
        diff.path === GENERATED_PATHS.lockfile
          ? "the lockfile differs from a fresh compile (new names without numbers?)"
          : diff.kind === "changed"
            ? `${diff.path} differs from a fresh compile`
            : diff.kind === "missing"
              ? `${diff.path} is missing`
              : `${diff.path} is stale: the compiler no longer writes it`;
      findings.push({
        rule: "GENERATED_UP_TO_DATE",
        message: what,
        hint: "run `facsimile schemas compile` and commit the result",
        file: repoPath(diff.path),
        line: diff.line,
      });
    }
  }
  findings.sort(byPlace);
  const applied = applyOverrides(findings, overrides);
  return {
    ...report,
    violations: applied.violations,
    overridden: applied.overridden,
    unusedOverrides: applied.unused,
    compileErrors: [],
  };
}
