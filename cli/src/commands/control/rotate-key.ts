import {
  DEFAULT_KEY_ROTATION_OPTIONS,
  type KeyRotationPlan,
  planKeyRotation,
  rotateWorkspaceKey,
} from "@facsimile/control-plane";
import { isFacsimileError } from "@facsimile/core";
import { LocalObjectStore } from "@facsimile/object-store";
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
import { LAKE_KEYS_USAGE, openKeyService, openRoutedLake } from "../../lake-keys.js";

const usage = `usage: facsimile control rotate-key --workspace <id> --to <key-id> [--dry-run] [options]

Re-encrypts every object of a workspace (its partition files in every table, old versions included, and its
offloaded payloads) under another key. First the directory's key id of the workspace becomes <key-id> (audited),
so every writer puts new objects under it; then each object not under it yet is read and written back under it;
then a listing checks that none is left (re-encrypting stragglers of lagging writers). The old key stays as it is.
Also gives a workspace its first key of its own.

  --workspace <id>         the workspace
  --to <key-id>            the key to re-encrypt under (a KMS key id or ARN; embedded: a keystore key)
  --create-key             embedded lake only: create <key-id> in the local keystore when it does not exist
  --dry-run                print the plan (objects, bytes, keys in use) and change nothing
  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default $FACSIMILE_LAKE, else <data>/lake)
  --actor <who>            recorded in the audit trail (default "${DEFAULT_KEY_ROTATION_OPTIONS.actor}")
  --reason <why>           recorded in the audit trail (default "${DEFAULT_KEY_ROTATION_OPTIONS.reason}")
  --settle <ms>            wait after the switch for workers' directory views (default ${DEFAULT_KEY_ROTATION_OPTIONS.settleMs})
  --json                   print the plan or result as JSON
${CONTROL_DIRECTORY_USAGE}
${LAKE_KEYS_USAGE}

exit codes: 0 rotated (or planned), 1 failed (run again to finish), 2 usage`;

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  workspace: { type: "string" },
  to: { type: "string" },
  "create-key": { type: "boolean" },
  "dry-run": { type: "boolean" },
  lake: { type: "string" },
  actor: { type: "string" },
  reason: { type: "string" },
  settle: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const command: CliCommand = {
  summary: "re-encrypt a workspace's objects under another key (BYOK rotation), audited",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    const workspaceId = values.workspace;
    const to = values.to;
    if (workspaceId === undefined) return usageError(io, usage, "--workspace is required");
    if (to === undefined || to === "") return usageError(io, usage, "--to is required");
    const settleMs = nonNegativeIntegerFlag("settle", values.settle, DEFAULT_KEY_ROTATION_OPTIONS.settleMs);
    if (typeof settleMs === "string") return usageError(io, usage, settleMs);
    try {
      const dir = await openControlDirectory(values, io);
      const store = await openRoutedLake(controlLake(values.lake, values.data, io), () => dir.view, io);
      const keys = await openKeyService(store, io);
      try {
        if (values["create-key"] === true) {
          if (!(store instanceof LocalObjectStore))
            return usageError(
              io,
              usage,
              "--create-key is for an embedded (local) lake; create KMS keys in the KMS",
            );
          if ((await keys.describeKey(to)) === undefined && values["dry-run"] !== true) {
            await store.keystore.createKey(to);
            io.stderr(`created key ${to} in ${keys.url}\n`);
          }
        }
        const deps = {
          view: dir.view,
          store,
          ...(values["dry-run"] === true && values["create-key"] === true ? {} : { keys }),
          onProgress: (m: string, done: number, total: number) =>
            io.stderr(total > 0 ? `[${done}/${total}] ${m}\n` : `${m}\n`),
        };
        const plan = await planKeyRotation(deps, workspaceId, to);
        if (values["dry-run"] === true) {
          if (values.json === true) io.stdout(`${JSON.stringify(planJson(plan))}\n`);
          else printPlan(plan, io.stdout);
          return EXIT.OK;
        }
        const result = await rotateWorkspaceKey(deps, plan, {
          settleMs,
          ...(values.actor === undefined ? {} : { actor: values.actor }),
          ...(values.reason === undefined ? {} : { reason: values.reason }),
        });
        if (values.json === true)
          io.stdout(`${JSON.stringify({ ...result, plan: planJson(result.plan) })}\n`);
        else
          io.stdout(
            `rotated ${workspaceId} to ${to}: ${result.reencrypted} object(s), ${result.bytesReencrypted} bytes ` +
              `re-encrypted in ${result.rounds} round(s); all ${result.objectsAfter} object(s) now under ${to}\n`,
          );
        return EXIT.OK;
      } finally {
        await keys.close();
        await store.close();
        await dir.close();
      }
    } catch (err) {
      io.stderr(
        `control rotate-key failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`,
      );
      return EXIT.FAILED;
    }
  },
};

function planJson(plan: KeyRotationPlan): Record<string, unknown> {
  const { toReencrypt, ...rest } = plan;
  return { ...rest, toReencrypt: toReencrypt.length };
}

function printPlan(plan: KeyRotationPlan, out: (s: string) => void): void {
  out(
    `plan: rotate ${plan.workspaceId} from ${plan.from ?? "(the platform key)"} to ${plan.to} (dry run: nothing changed)\n`,
  );
  out(`  objects of ${plan.workspaceId}: ${plan.objects} (${plan.bytes} bytes)\n`);
  for (const [k, n] of Object.entries(plan.keysInUse)) out(`  under ${k}: ${n}\n`);
  out(`  to re-encrypt: ${plan.toReencrypt.length}\n`);
}

export default command;
