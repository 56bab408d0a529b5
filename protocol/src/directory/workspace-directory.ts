// Which region each workspace lives in: the producer's routing table. Static configuration for now; the
// control plane's compacted directory topic will implement the same interface.
import { assertRegion } from "../region/region-name.js";

export interface WorkspaceDirectory {
  /** The workspace's region, or undefined when the workspace is unknown. */
  regionOf(workspaceId: string): string | undefined;
  /** BYOK: the KMS key id for objects of this workspace, if it has one. */
  kmsKeyIdOf?(workspaceId: string): string | undefined;
}

export interface StaticWorkspace {
  readonly region: string;
  readonly kmsKeyId?: string;
}

/** A directory from a fixed map of workspace id -> region (or { region, kmsKeyId }). Regions are validated. */
export function createStaticWorkspaceDirectory(
  workspaces: Readonly<Record<string, string | StaticWorkspace>>,
): WorkspaceDirectory {
  const entries = new Map<string, StaticWorkspace>();
  for (const [id, w] of Object.entries(workspaces)) {
    const entry = typeof w === "string" ? { region: w } : w;
    assertRegion(entry.region);
    entries.set(id, entry);
  }
  return {
    regionOf: (id) => entries.get(id)?.region,
    kmsKeyIdOf: (id) => entries.get(id)?.kmsKeyId,
  };
}
