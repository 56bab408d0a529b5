// How a long-running server command waits for its stop: the first of an abort of the command's signal, SIGINT
// or SIGTERM. Shared by the serve commands so each stops the same way.

/** Resolves on the first of: the given signal aborting, SIGINT, SIGTERM. */
export function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    if (signal?.aborted === true) return resolve();
    signal?.addEventListener("abort", done, { once: true });
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
