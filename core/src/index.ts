// Public surface of @facsimile/core: what every package shares and nothing else depends on. The one error base
// (FacsimileError with code, retriable, context; isFacsimileError, isRetriable), the one retry helper with a
// time budget, integer bounds checks, and the default data folder (./.facsimile, $FACSIMILE_HOME). Test support (waitFor) is in @facsimile/core/testing.

export { type IntegerBounds, integerProblem, isIntegerInRange } from "./bounds/integer-bounds.js";
export {
  DEFAULT_HOME_DIR,
  dataHome,
  HOME_ENV,
  LAKE_ENV,
  lakeLocation,
} from "./config/data-home.js";
export {
  FacsimileError,
  type FacsimileErrorOptions,
  isFacsimileError,
  isRetriable,
} from "./errors/facsimile-error.js";
export {
  DEFAULT_RETRY_OPTIONS,
  RetryExhausted,
  type RetryOptions,
  retryWithinBudget,
} from "./retry/retry-within-budget.js";
