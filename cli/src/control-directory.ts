// What every `facsimile control` command shares: where the directory log is (the compacted topic on Kafka, the
// topic on the embedded bus, or the file log of the data dir) and the optional static bootstrap file.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createKafkaTransport, createLocalTransport, type Transport } from "@facsimile/bus";
import {
  bootstrapDirectory,
  createDirectoryView,
  createFileDirectoryLog,
  createTransportDirectoryLog,
  DIRECTORY_TOPIC,
  type DirectoryView,
  parseStaticDirectory,
} from "@facsimile/control-plane";
import { dataHome, lakeLocation } from "@facsimile/core";
import type { CliIo } from "./command.js";

export const CONTROL_DIRECTORY_OPTIONS = {
  kafka: { type: "string" },
  local: { type: "string" },
  data: { type: "string" },
  "directory-topic": { type: "string" },
  bootstrap: { type: "string" },
} as const;

export const CONTROL_DIRECTORY_USAGE = `  --kafka <brokers>        the directory is the compacted topic ${DIRECTORY_TOPIC} on these brokers
  --local <dir>            ... on the embedded bus in <dir>
  --data <dir>             else the file log <dir>/directory.log (default $FACSIMILE_HOME or ./.facsimile)
  --directory-topic <t>    another directory topic (default ${DIRECTORY_TOPIC})
  --bootstrap <file>       register the static directory file's workspaces the directory lacks`;

export interface ControlDirectoryValues {
  readonly kafka?: string | undefined;
  readonly local?: string | undefined;
  readonly data?: string | undefined;
  readonly "directory-topic"?: string | undefined;
  readonly bootstrap?: string | undefined;
}

export interface OpenedDirectory {
  readonly view: DirectoryView;
  readonly transport: Transport | undefined;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function openControlDirectory(
  values: ControlDirectoryValues,
  io: CliIo,
): Promise<OpenedDirectory> {
  const dataDir = dataHome(io.env, io.cwd, values.data);
  const topic = values["directory-topic"] ?? DIRECTORY_TOPIC;
  const transport =
    values.kafka !== undefined
      ? createKafkaTransport({
          brokers: values.kafka.split(",").map((b) => b.trim()),
          clientId: "facsimile-control",
        })
      : values.local !== undefined
        ? createLocalTransport({ directory: resolve(io.cwd, values.local) })
        : undefined;
  const log =
    transport === undefined
      ? createFileDirectoryLog(join(dataDir, "directory.log"))
      : createTransportDirectoryLog(transport, { topic });
  const view = createDirectoryView(log);
  const close = async (): Promise<void> => {
    await log.close();
    await transport?.close();
  };
  try {
    if (values.bootstrap !== undefined) {
      const file = resolve(io.cwd, values.bootstrap);
      const added = await bootstrapDirectory(view, parseStaticDirectory(await readFile(file, "utf8"), file));
      if (added.length > 0) io.stderr(`bootstrap: registered ${added.length} workspaces from ${file}\n`);
    }
    await view.refresh();
  } catch (err) {
    await close();
    throw err;
  }
  return { view, transport, dataDir, close };
}

/** --lake, else <--data>/lake when --data is given, else $FACSIMILE_LAKE or the default data folder's lake. */
export function controlLake(lake: string | undefined, data: string | undefined, io: CliIo): string {
  if (lake === undefined && data !== undefined) return join(dataHome(io.env, io.cwd, data), "lake");
  return lakeLocation(lake, io.env, io.cwd);
}
