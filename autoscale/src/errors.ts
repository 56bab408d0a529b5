// The autoscaler's one error class: bad options, unreadable metrics, a worker process that would not start.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

export type AutoscaleErrorCode = "AUTOSCALE_CONFIG" | "AUTOSCALE_METRICS" | "AUTOSCALE_WORKER";

export class AutoscaleError extends FacsimileError {
  declare readonly code: AutoscaleErrorCode;
  constructor(code: AutoscaleErrorCode, message: string, options: FacsimileErrorOptions = {}) {
    super(code, message, options);
  }
}

export function isAutoscaleError(err: unknown): err is AutoscaleError {
  return err instanceof AutoscaleError;
}
