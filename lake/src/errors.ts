// Typed errors of the lake: a stable code, a `retriable` flag (the only thing retry logic reads) and context.
// Same shape as @facsimile/schemas' FacsimileError; the lake does not depend on schemas, so it has its own base.

export interface LakeErrorOptions {
  readonly retriable?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class LakeError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: LakeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

export function isLakeError(err: unknown): err is LakeError {
  return err instanceof LakeError;
}

/** get/getFile of a key that does not exist. */
export class ObjectNotFoundError extends LakeError {
  constructor(url: string, key: string, options: LakeErrorOptions = {}) {
    super("OBJECT_NOT_FOUND", `no object ${JSON.stringify(key)} in ${url}`, {
      ...options,
      context: { url, key },
    });
  }
}

/** putIfAbsent of a key that already exists: someone else won the race. */
export class ObjectExistsError extends LakeError {
  constructor(url: string, key: string, options: LakeErrorOptions = {}) {
    super("OBJECT_EXISTS", `object ${JSON.stringify(key)} already exists in ${url}`, {
      ...options,
      context: { url, key },
    });
  }
}
