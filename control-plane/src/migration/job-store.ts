// Where jobs live between steps and across crashes: one JSON object per job under `control/jobs/` of the lake's
// store (local or S3), overwritten after each step. A job is resumed or rolled back from what it says here.
import type { ObjectStore } from "@facsimile/object-store";
import { joinKey } from "../erasure/lake-tables.js";
import type { MigrationPlan } from "./plan-migration.js";

export const MIGRATION_STEPS = Object.freeze([
  "planned",
  "copied",
  "switched",
  "verified",
  "deleted",
] as const);
export type MigrationStep = (typeof MIGRATION_STEPS)[number] | "rolled-back";

export interface MigrationJob {
  readonly id: string;
  readonly kind: "migrate";
  readonly plan: MigrationPlan;
  /** The last step completed. */
  readonly step: MigrationStep;
  /** What the running step has done, e.g. "copy eu -> us: 3/5 tables". */
  readonly progress: string;
  readonly done: number;
  readonly total: number;
  readonly actor: string;
  readonly reason: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly error?: string;
  /** Digests and counts of the verify step, per region and table. */
  readonly verification?: readonly {
    readonly region: string;
    readonly table: string;
    readonly sourceRows: number;
    readonly targetRows: number;
    readonly missing: number;
  }[];
}

export interface JobStore {
  put(job: MigrationJob): Promise<void>;
  get(id: string): Promise<MigrationJob | undefined>;
  list(): Promise<MigrationJob[]>;
}

export function createJobStore(store: ObjectStore, lakeRoot = ""): JobStore {
  const prefix = joinKey(lakeRoot, "control/jobs/");
  return {
    async put(job) {
      await store.put(`${prefix}${job.id}.json`, new TextEncoder().encode(JSON.stringify(job, null, 2)), {
        contentType: "application/json",
      });
    },
    async get(id) {
      if ((await store.head(`${prefix}${id}.json`)) === undefined) return undefined;
      return JSON.parse(new TextDecoder().decode(await store.get(`${prefix}${id}.json`))) as MigrationJob;
    },
    async list() {
      const jobs: MigrationJob[] = [];
      for await (const o of store.list(prefix))
        if (o.key.endsWith(".json"))
          jobs.push(JSON.parse(new TextDecoder().decode(await store.get(o.key))) as MigrationJob);
      return jobs.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    },
  };
}
