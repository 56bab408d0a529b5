// What every `facsimile` subcommand exports (as its default export) and the I/O it is given.
// Commands write through `io` and return an exit code, so tests run them in-process.
import { type ParseArgsConfig, parseArgs } from "node:util";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliCommand {
  /** One line for `facsimile --help`. */
  readonly summary: string;
  /** The full text for `facsimile <command> --help`. */
  readonly usage: string;
  /** Returns the process exit code. Arguments are what follows the command's own words. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2 });

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Prints what was wrong and the command's usage to stderr; returns EXIT.USAGE. */
export function usageError(io: CliIo, usage: string, message: string): number {
  io.stderr(`${message}\n\n${usage}\n`);
  return EXIT.USAGE;
}

/**
 * A flag holding a non-negative integer (milliseconds, a count): its value, `fallback` when it is absent, or the
 * usage message naming what was wrong.
 */
export function nonNegativeIntegerFlag(
  name: string,
  value: string | undefined,
  fallback: number,
): number | string {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : `--${name} must be a non-negative integer, got ${value}`;
}

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
/** The parsed values of a command's flags (`strict`, no positionals). */
export type FlagValues<O extends FlagOptions> = ReturnType<typeof parseArgs<{ options: O }>>["values"];

/**
 * Parses a command's flags strictly. Returns their values, or the exit code when there is nothing more to do:
 * EXIT.OK after printing the usage for `--help`, EXIT.USAGE after a usage error.
 */
export function parseCommandFlags<O extends FlagOptions>(
  args: readonly string[],
  options: O,
  usage: string,
  io: CliIo,
): FlagValues<O> | number {
  let values: FlagValues<O>;
  try {
    ({ values } = parseArgs({ args: [...args], options, strict: true }));
  } catch (err) {
    return usageError(io, usage, (err as Error).message);
  }
  if ((values as { help?: unknown }).help === true) {
    io.stdout(`${usage}\n`);
    return EXIT.OK;
  }
  return values;
}
