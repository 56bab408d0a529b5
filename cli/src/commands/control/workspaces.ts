import { isFacsimileError } from "@facsimile/core";
import { type CliCommand, EXIT, parseCommandFlags } from "../../command.js";
import {
  CONTROL_DIRECTORY_OPTIONS,
  CONTROL_DIRECTORY_USAGE,
  openControlDirectory,
} from "../../control-directory.js";

const usage = `usage: facsimile control workspaces [--json] [--audit [--workspace <id>]] [directory options]

Lists every workspace of the directory: realm, data regions (home first), state, deletion generation, key id
and the number of changes. With --audit, prints every audited change instead (who, when, why, before, after).

  --json                   one JSON object per line
  --audit                  the audit trail
  --workspace <id>         only this workspace
${CONTROL_DIRECTORY_USAGE}`;

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  json: { type: "boolean" },
  audit: { type: "boolean" },
  workspace: { type: "string" },
  help: { type: "boolean" },
} as const;

const command: CliCommand = {
  summary: "list the workspace directory (regions, state, generation, key) or its audit trail",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    try {
      const dir = await openControlDirectory(values, io);
      try {
        const only = values.workspace;
        if (values.audit === true) {
          const { events } = await dir.view.log.read(0n);
          for (const e of events) {
            if (only !== undefined && e.workspaceId !== only) continue;
            if (values.json === true) io.stdout(`${JSON.stringify(e)}\n`);
            else
              io.stdout(
                `${new Date(e.at).toISOString()}  ${e.workspaceId}  #${e.next.seq}  ${e.action}  by ${e.actor}` +
                  `  (${e.reason})  ${summary(e.previous)} -> ${summary(e.next)}\n`,
              );
          }
          return EXIT.OK;
        }
        const entries = dir.view.list().filter((e) => only === undefined || e.workspaceId === only);
        if (values.json === true) {
          for (const e of entries) io.stdout(`${JSON.stringify(e)}\n`);
          return EXIT.OK;
        }
        const rows = [
          ["WORKSPACE", "REALM", "REGIONS", "STATE", "GENERATION", "KEY", "CHANGES"],
          ...entries.map((e) => [
            e.workspaceId,
            e.realm,
            e.regions.join(","),
            e.state,
            e.deletionGeneration,
            e.keyId ?? "-",
            String(e.seq),
          ]),
        ];
        const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
        for (const r of rows)
          io.stdout(
            `${r
              .map((c, i) => c.padEnd(widths[i] ?? 0))
              .join("  ")
              .trimEnd()}\n`,
          );
        if (entries.length === 0) io.stdout(`(no workspaces in ${dir.view.log.url})\n`);
        return EXIT.OK;
      } finally {
        await dir.close();
      }
    } catch (err) {
      io.stderr(
        `control workspaces failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`,
      );
      return EXIT.FAILED;
    }
  },
};

function summary(
  e: { regions: readonly string[]; state: string; deletionGeneration: string } | null,
): string {
  return e === null ? "(new)" : `${e.state} ${e.regions.join(",")} gen ${e.deletionGeneration}`;
}

export default command;
