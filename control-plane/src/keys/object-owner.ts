// Which workspace an object belongs to, from its key alone (BYOK routing and rotation): a target table's data in
// a workspace partition (`regions/<r>/tables/<t>/workspace_id=<W>/...`, deletion vectors there too) and offloaded
// payloads (`<prefix>/offload/<W>/<sha[0..2]>/<sha256>`). Everything else (the sink, every `_delta_log/`,
// checkpoints, jobs) mixes workspaces and belongs to the platform. Pure; no I/O.

/** The partition column that carries the workspace in every target table (transforms' WORKSPACE_PARTITION_COLUMN). */
export const WORKSPACE_COLUMN = "workspace_id";

const TABLE_PARTITION = /(?:^|\/)regions\/[^/]+\/tables\/[^/]+\/workspace_id=([^/]+)\//;
const OFFLOAD = /(?:^|\/)offload\/([^/]+)\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The workspace whose object this is, or undefined for a platform object. */
export function workspaceOfObject(key: string): string | undefined {
  const partition = TABLE_PARTITION.exec(key)?.[1];
  if (partition !== undefined) {
    if (partition === "__HIVE_DEFAULT_PARTITION__") return undefined;
    try {
      return decodeURIComponent(partition);
    } catch {
      return undefined;
    }
  }
  return OFFLOAD.exec(key)?.[1];
}

/** The partition directory segment of a workspace, escaped the way the lake writes it. */
export function workspacePartitionSegment(workspaceId: string): string {
  const escaped = encodeURIComponent(workspaceId).replace(
    /[!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${WORKSPACE_COLUMN}=${escaped}/`;
}
