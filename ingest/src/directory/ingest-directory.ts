// What the worker asks about a workspace when it consumes one of its records: where the workspace lives now
// (re-checked at consume time, since it may have moved after the record was produced) and its deletion
// generation (records below it belong to a deleted incarnation). Static configuration for now; the control
// plane's compacted directory topic will implement the same interface. No I/O here.

import type { WorkspaceDirectory } from "@facsimile/protocol";
import { assertRegion } from "@facsimile/protocol";
import { IngestConfigError } from "../errors.js";

export interface IngestDirectory extends WorkspaceDirectory {
  /**
   * Every data region of the workspace, home (regionOf) first; undefined: the home region alone. A worker of any of
   * them accepts the workspace's records, and the one that takes a record first replicates it to the others.
   */
  regionsOf?(workspaceId: string): readonly string[] | undefined;
  /**
   * The workspace's deletion generation: records whose generation_watermark is below it are dropped.
   * Undefined when the workspace was never deleted.
   */
  deletionGenerationOf(workspaceId: string): bigint | undefined;
  /**
   * The erasure registry (the control plane's directory view): true when no record of this resource with this
   * generation may be written any more. Checked by every path that writes rows (sink, merge, re-route).
   */
  isErased?(workspaceId: string, resourceAri: string | undefined, generation: bigint): boolean;
}

export interface StaticIngestWorkspace {
  readonly region: string;
  readonly kmsKeyId?: string;
  readonly deletionGeneration?: number | bigint | string;
}

/** The JSON of a directory file: `{ "workspaces": { "ws-1": "eu", "ws-2": { "region": "us", ... } } }`. */
export interface IngestDirectoryFile {
  readonly workspaces: Readonly<Record<string, string | StaticIngestWorkspace>>;
}

interface Entry {
  readonly region: string;
  readonly kmsKeyId: string | undefined;
  readonly deletionGeneration: bigint | undefined;
}

function generationOf(id: string, value: number | bigint | string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  try {
    const g = BigInt(value);
    if (g >= 0n) return g;
  } catch {
    // reported below
  }
  throw new IngestConfigError(
    `workspace ${JSON.stringify(id)} has deletionGeneration ${JSON.stringify(String(value))}: use a non-negative integer`,
    { workspaceId: id },
  );
}

/** A directory from a fixed map; regions and generations are validated up front. */
export function createStaticIngestDirectory(
  workspaces: Readonly<Record<string, string | StaticIngestWorkspace>>,
): IngestDirectory {
  const entries = new Map<string, Entry>();
  for (const [id, w] of Object.entries(workspaces)) {
    const spec: StaticIngestWorkspace = typeof w === "string" ? { region: w } : w;
    if (typeof spec !== "object" || spec === null || typeof spec.region !== "string")
      throw new IngestConfigError(`workspace ${JSON.stringify(id)} has no region`, { workspaceId: id });
    try {
      assertRegion(spec.region);
    } catch (err) {
      throw new IngestConfigError(`workspace ${JSON.stringify(id)}: ${(err as Error).message}`, {
        workspaceId: id,
      });
    }
    entries.set(id, {
      region: spec.region,
      kmsKeyId: spec.kmsKeyId,
      deletionGeneration: generationOf(id, spec.deletionGeneration),
    });
  }
  return {
    regionOf: (id) => entries.get(id)?.region,
    kmsKeyIdOf: (id) => entries.get(id)?.kmsKeyId,
    deletionGenerationOf: (id) => entries.get(id)?.deletionGeneration,
  };
}

/** Parses the text of a directory file (see IngestDirectoryFile). */
export function parseIngestDirectory(text: string, source = "directory file"): IngestDirectory {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new IngestConfigError(`${source} is not JSON: ${(err as Error).message}`, { source });
  }
  const workspaces = (json as Partial<IngestDirectoryFile> | null)?.workspaces;
  if (typeof workspaces !== "object" || workspaces === null || Array.isArray(workspaces))
    throw new IngestConfigError(
      `${source} needs a "workspaces" object: { "workspaces": { "ws-1": "eu", "ws-2": { "region": "us" } } }`,
      { source },
    );
  return createStaticIngestDirectory(workspaces);
}
