// Where things live in a lake root (a local folder or an s3://bucket/prefix): one folder per region, so a
// region's data never shares a prefix with another's (residency), and within it the raw sink and the
// target tables. Keys only: nothing here touches storage.
import { LakeError } from "../errors.js";

/** Region ids are lowercase words with digits and dashes, e.g. "eu-west-1", "us". */
export const REGION_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** Table names are SQL-friendly identifiers, e.g. "jira_issue". */
export const TABLE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,127}$/;

export class LayoutError extends LakeError {
  constructor(message: string) {
    super("INVALID_LAYOUT_NAME", message);
  }
}

function check(kind: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) {
    throw new LayoutError(`invalid ${kind} ${JSON.stringify(value)}: expected ${pattern.source}`);
  }
  return value;
}

export const regionLayout = Object.freeze({
  /** Prefix of everything a region holds: `regions/<region>`. */
  region(region: string): string {
    return `regions/${check("region", region, REGION_PATTERN)}`;
  },
  /** Prefix under which the region's target tables are folders: `regions/<region>/tables`. */
  tables(region: string): string {
    return `${regionLayout.region(region)}/tables`;
  },
  /** One target table: `regions/<region>/tables/<table>`. */
  table(region: string, table: string): string {
    return `${regionLayout.tables(region)}/${check("table name", table, TABLE_NAME_PATTERN)}`;
  },
  /** The append-only raw sink of the region's records: `regions/<region>/sink/records`. */
  sink(region: string): string {
    return `${regionLayout.region(region)}/sink/records`;
  },
  /** Offloaded payloads (content-addressed): `regions/<region>/offload`. */
  offload(region: string): string {
    return `${regionLayout.region(region)}/offload`;
  },
  /** Dead letters' original bytes, per workspace (content-addressed): `regions/<region>/dead-letters`. */
  deadLetters(region: string): string {
    return `${regionLayout.region(region)}/dead-letters`;
  },
});
