// The logger the bus and the producer SDK write to: passed in by the caller, silent by default. A library never
// prints on its own; the CLI or the service decides where lines go.

export type LogContext = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}

const noop = (): void => undefined;

export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** JSON lines on stderr, for CLIs and demos. */
export function consoleLogger(minLevel: "debug" | "info" | "warn" | "error" = "info"): Logger {
  const levels = ["debug", "info", "warn", "error"] as const;
  const min = levels.indexOf(minLevel);
  const at =
    (level: (typeof levels)[number]) =>
    (message: string, context?: LogContext): void => {
      if (levels.indexOf(level) < min) return;
      process.stderr.write(
        `${JSON.stringify({ level, time: new Date().toISOString(), message, ...context }, (_, v) =>
          typeof v === "bigint" ? v.toString() : v,
        )}\n`,
      );
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
