// @facsimile/ingest/testing: test and benchmark support. Generated workloads with their last-writer-wins oracle,
// the table check, waiting for a worker to catch up, and the poison records ingest must dead-letter.

export { type PoisonRecord, poisonRecords, projectRecord, projectValue } from "./poison-records.js";
export {
  DEFAULT_UNTIL_CAUGHT_UP_OPTIONS,
  type UntilCaughtUpOptions,
  untilCaughtUp,
} from "./until-caught-up.js";
export { type VerifyTablesInput, type VerifyTablesResult, verifyTables } from "./verify-tables.js";
export {
  DEFAULT_WORKLOAD_OPTIONS,
  deliveryMessage,
  generateWorkload,
  lwwOracle,
  publishWorkload,
  seededRandom,
  type Workload,
  type WorkloadOptions,
  type WorkloadRecord,
} from "./workload.js";
