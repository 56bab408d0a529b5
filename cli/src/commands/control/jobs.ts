import { createJobStore } from "@facsimile/control-plane";
import { isFacsimileError } from "@facsimile/core";
import { openObjectStore } from "@facsimile/object-store";
import { type CliCommand, EXIT, parseCommandFlags } from "../../command.js";
import { controlLake } from "../../control-directory.js";

const usage = `usage: facsimile control jobs [--lake <url> | --data <dir>] [--json]

Lists the control plane's jobs (residency migrations): id, workspace, regions, the last completed step of
planned -> copied -> switched -> verified -> deleted (or rolled-back), a progress bar and what the job did last.

  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default $FACSIMILE_LAKE, else <data>/lake)
  --data <dir>             data dir (default $FACSIMILE_HOME, else ./.facsimile)
  --json                   one JSON object per job and line`;

const OPTIONS = {
  lake: { type: "string" },
  data: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const command: CliCommand = {
  summary: "list control-plane jobs (migrations) with their step and progress",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    try {
      const store = await openObjectStore(controlLake(values.lake, values.data, io), { env: io.env });
      try {
        const jobs = await createJobStore(store).list();
        if (values.json === true) {
          for (const j of jobs) io.stdout(`${JSON.stringify(j)}\n`);
          return EXIT.OK;
        }
        if (jobs.length === 0) io.stdout(`(no jobs in ${store.url})\n`);
        for (const j of jobs) {
          const filled = Math.round((Math.max(0, j.done) / j.total) * 10);
          io.stdout(
            `${j.id}  ${j.plan.workspaceId}  ${j.plan.from.join(",")} -> ${j.plan.to.join(",")}  ` +
              `[${"#".repeat(filled)}${".".repeat(10 - filled)}] ${j.step}  ${j.updatedAt}  ${j.progress}` +
              `${j.error === undefined ? "" : `  error: ${j.error}`}\n`,
          );
        }
        return EXIT.OK;
      } finally {
        await store.close();
      }
    } catch (err) {
      io.stderr(
        `control jobs failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`,
      );
      return EXIT.FAILED;
    }
  },
};

export default command;
