// Typed errors shared by every package: a stable code, a `retriable` flag that retry logic reads (and nothing
// else), and context values for the message. Packages subclass FacsimileError; guards test the code.

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

/** An entity name, type id or type url that the registry does not know. */
export class UnknownEntityError extends FacsimileError {
  constructor(what: string, value: string | number) {
    super(
      "UNKNOWN_ENTITY",
      `unknown entity ${what} ${JSON.stringify(value)}: is it in schemas/entities and compiled?`,
      {
        context: { [what]: value },
      },
    );
  }
}
