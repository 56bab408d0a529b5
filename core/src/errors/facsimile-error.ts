// The one error base of the project: a stable code, a `retriable` flag that retry logic reads (and nothing
// else), and context values for the message. Every package subclasses FacsimileError (LakeError, QueryError,
// TransportError, ...); guards test the class, isRetriable reads only the flag.

export interface FacsimileErrorOptions {
  readonly retriable?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** Base of every error this project throws on purpose. */
export class FacsimileError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: FacsimileErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

export function isFacsimileError(err: unknown): err is FacsimileError {
  return err instanceof FacsimileError;
}

/** True when retry logic may try again: the `retriable` flag, and nothing else. */
export function isRetriable(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { retriable?: unknown }).retriable === true;
}
