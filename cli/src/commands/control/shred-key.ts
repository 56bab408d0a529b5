import { DEFAULT_KEY_SHRED_OPTIONS, planKeyShred, shredWorkspaceKey } from "@facsimile/control-plane";
import { isFacsimileError } from "@facsimile/core";
import { openDuckDb, TABLE_DEFAULTS } from "@facsimile/lake";
import { DEFAULT_QUERY_CACHE_DIR } from "@facsimile/query";
import {
  type CliCommand,
  EXIT,
  nonNegativeIntegerFlag,
  parseCommandFlags,
  usageError,
} from "../../command.js";
import {
  CONTROL_DIRECTORY_OPTIONS,
  CONTROL_DIRECTORY_USAGE,
  controlLake,
  openControlDirectory,
} from "../../control-directory.js";
import { LAKE_KEYS_USAGE, openKeyService, openRoutedLake, PLATFORM_KEY_ENV } from "../../lake-keys.js";

const usage = `usage: facsimile control shred-key --workspace <id> [--dry-run] [options]

Crypto-shredding: destroys the workspace's own key, so every object of it (its partition files in every table,
old versions kept for time travel, offloaded payloads) becomes unreadable at once, while every other workspace
reads on. The directory first records the workspace ERASED (writers drop its records), then the key is destroyed
(embedded: its material is erased from the keystore; KMS: disabled now, deleted after the pending window), then
this host's decrypted cache copies (the lake's and the query engine's default cache folders) are dropped.
Refused when another workspace or the platform shares the key, or when some of the workspace's objects are not
under it (rotate-key first). There is no undo. Not covered: the workspace's records in the raw sink and its
files' statistics in the table logs (they mix workspaces, under the platform key): erase removes those.

  --workspace <id>         the workspace
  --dry-run                print the plan (key, its state, objects) and change nothing
  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default $FACSIMILE_LAKE, else <data>/lake)
  --actor <who>            recorded in the audit trail (default "${DEFAULT_KEY_SHRED_OPTIONS.actor}")
  --reason <why>           recorded in the audit trail (default "${DEFAULT_KEY_SHRED_OPTIONS.reason}")
  --settle <ms>            wait after the registry change for workers' views (default ${DEFAULT_KEY_SHRED_OPTIONS.settleMs})
  --json                   print the plan or result as JSON
${CONTROL_DIRECTORY_USAGE}
${LAKE_KEYS_USAGE}

exit codes: 0 shredded (or planned), 1 failed or refused, 2 usage`;

const NOT_COVERED =
  "  not covered (platform key): its records in the raw sink and its files' statistics in the table logs; " +
  "`facsimile control erase` removes those (run it first: it must read the workspace's files)";

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  workspace: { type: "string" },
  "dry-run": { type: "boolean" },
  lake: { type: "string" },
  actor: { type: "string" },
  reason: { type: "string" },
  settle: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const command: CliCommand = {
  summary: "crypto-shred a workspace: destroy its key so its objects are unreadable, audited",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    const workspaceId = values.workspace;
    if (workspaceId === undefined) return usageError(io, usage, "--workspace is required");
    const settleMs = nonNegativeIntegerFlag("settle", values.settle, DEFAULT_KEY_SHRED_OPTIONS.settleMs);
    if (typeof settleMs === "string") return usageError(io, usage, settleMs);
    try {
      const dir = await openControlDirectory(values, io);
      const store = await openRoutedLake(controlLake(values.lake, values.data, io), () => dir.view, io);
      const keys = await openKeyService(store, io);
      const duck = await openDuckDb();
      try {
        const platformKeyId = io.env[PLATFORM_KEY_ENV];
        const deps = {
          view: dir.view,
          store,
          keys,
          duckdb: duck.connection,
          cacheDirs: [TABLE_DEFAULTS.cacheDir, DEFAULT_QUERY_CACHE_DIR],
          ...(platformKeyId === undefined || platformKeyId === "" ? {} : { platformKeyId }),
          onProgress: (m: string) => io.stderr(`${m}\n`),
        };
        const plan = await planKeyShred(deps, workspaceId);
        const { objectKeys: _, ...summary } = plan;
        if (values["dry-run"] === true) {
          if (values.json === true) io.stdout(`${JSON.stringify(summary)}\n`);
          else
            io.stdout(
              `plan: shred ${workspaceId}'s key ${plan.keyId} at ${keys.url} (now ${plan.keyState}; dry run: nothing changed)\n` +
                `  ${plan.objects} object(s), ${plan.bytes} bytes become unreadable; ${workspaceId} becomes ERASED\n` +
                `${NOT_COVERED}\n`,
            );
          return EXIT.OK;
        }
        const result = await shredWorkspaceKey(deps, plan, {
          settleMs,
          ...(values.actor === undefined ? {} : { actor: values.actor }),
          ...(values.reason === undefined ? {} : { reason: values.reason }),
        });
        if (values.json === true)
          io.stdout(
            `${JSON.stringify({ ...summary, key: result.key, cacheCopiesEvicted: result.cacheCopiesEvicted })}\n`,
          );
        else
          io.stdout(
            `shredded ${workspaceId}: key ${plan.keyId} is ${result.key.state}; ${plan.objects} object(s) ` +
              `(${plan.bytes} bytes) are unreadable; the directory says ERASED\n${NOT_COVERED}\n`,
          );
        return EXIT.OK;
      } finally {
        duck.close();
        await keys.close();
        await store.close();
        await dir.close();
      }
    } catch (err) {
      io.stderr(
        `control shred-key failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`,
      );
      return EXIT.FAILED;
    }
  },
};

export default command;
