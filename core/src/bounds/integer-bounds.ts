// Integer bounds, checked in one place: options, flags and wire fields that must be whole numbers in a range.
// `integerProblem` says what is wrong (or undefined); callers wrap it in their own typed error.

export interface IntegerBounds {
  /** Smallest allowed value (inclusive); default Number.MIN_SAFE_INTEGER. */
  readonly min?: number;
  /** Largest allowed value (inclusive); default Number.MAX_SAFE_INTEGER. */
  readonly max?: number;
}

/** True when `value` is a safe integer within the bounds. */
export function isIntegerInRange(value: unknown, bounds: IntegerBounds = {}): value is number {
  return integerProblem(value, bounds) === undefined;
}

/** Why `value` is not a safe integer within the bounds, e.g. "must be an integer >= 1", or undefined. */
export function integerProblem(value: unknown, bounds: IntegerBounds = {}): string | undefined {
  const { min, max } = bounds;
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` >= ${min}`
        : max !== undefined
          ? ` <= ${max}`
          : "";
  if (typeof value !== "number" || !Number.isSafeInteger(value)) return `must be an integer${range}`;
  if ((min !== undefined && value < min) || (max !== undefined && value > max))
    return `must be an integer${range}`;
  return undefined;
}
