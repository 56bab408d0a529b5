// The `facsimile` dispatcher. Commands are discovered from the files under commands/: the file
// commands/<group>/<name>.ts is `facsimile <group> <name>`, commands/<name>.ts is `facsimile <name>`.
// Adding a command is adding one file whose default export is a CliCommand; nothing else to register.
// Only the command being run is imported (help imports them all), so one command's heavy dependencies
// never slow another down.
import { readdir, stat } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type CliCommand, type CliIo, EXIT } from "./command.js";

const COMMANDS_DIR = fileURLToPath(new URL("./commands/", import.meta.url));
/** `.ts` when running from sources (vitest), `.js` from dist. */
const EXT = import.meta.url.endsWith(".ts") ? ".ts" : ".js";

function isCommandFile(name: string): boolean {
  return name.endsWith(EXT) && !name.endsWith(".d.ts") && !name.endsWith(`.test${EXT}`);
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function load(path: string): Promise<CliCommand> {
  const mod = (await import(pathToFileURL(path).href)) as { default?: CliCommand };
  if (mod.default === undefined || typeof mod.default.run !== "function") {
    throw new Error(`${path} has no default export of a CliCommand`);
  }
  return mod.default;
}

/** Every command as [words, file], sorted. */
export async function listCommands(): Promise<[string, string][]> {
  const entries = await readdir(COMMANDS_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isCommandFile(e.name))
    .map((e): [string, string] => {
      const rel = `${e.parentPath}/${e.name}`.slice(COMMANDS_DIR.length).replace(/^\/+/, "");
      return [rel.slice(0, -EXT.length).split("/").join(" "), `${e.parentPath}/${e.name}`];
    })
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Every command, or those of one group (`group` = its words, e.g. "control"). */
async function help(io: CliIo, group = ""): Promise<void> {
  const head = group === "" ? "<command>" : `${group} <command>`;
  const lines = [`usage: facsimile ${head} [options]`, "", "commands:"];
  const commands = (await listCommands()).filter(([w]) => group === "" || w.startsWith(`${group} `));
  const width = Math.max(...commands.map(([w]) => w.length));
  for (const [words, file] of commands) lines.push(`  ${words.padEnd(width)}  ${(await load(file)).summary}`);
  lines.push("", "Run `facsimile <command> --help` for a command's options.");
  io.stdout(`${lines.join("\n")}\n`);
}

/** Resolves the words of argv to a command and runs it; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    await help(io);
    return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
  }
  let dir = COMMANDS_DIR;
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i] ?? "";
    if (!/^[a-z][a-z0-9-]*$/.test(word)) break;
    const file = `${dir}${word}${EXT}`;
    if (await isFile(file)) {
      const command = await load(file);
      const rest = argv.slice(i + 1);
      if (rest.includes("--help") || rest.includes("-h")) {
        io.stdout(`${command.usage.trimEnd()}\n`);
        return EXIT.OK;
      }
      return command.run(rest, io);
    }
    if (!(await isDir(`${dir}${word}`))) break;
    dir = `${dir}${word}/`;
  }
  // A group's words alone (`facsimile control`) or with --help list that group's commands.
  const group = argv.slice(0, i).join(" ");
  const next = argv[i];
  if (group !== "" && (next === undefined || next === "--help" || next === "-h")) {
    await help(next === undefined ? { ...io, stdout: io.stderr } : io, group);
    return next === undefined ? EXIT.USAGE : EXIT.OK;
  }
  io.stderr(`facsimile: unknown command "${argv.slice(0, i + 1).join(" ")}"\n`);
  await help({ ...io, stdout: io.stderr });
  return EXIT.USAGE;
}
