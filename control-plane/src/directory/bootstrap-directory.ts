// The static directory file of before the control plane, as a bootstrap: every workspace it names that the
// directory log does not know yet is registered (audited, actor "bootstrap"); known workspaces are left as the
// log says. The file is `{ "workspaces": { "ws-1": "eu", "ws-2": { "region": "us", "kmsKeyId": "k",
// "deletionGeneration": 3, "realm": "us", "regions": ["us", "eu"] } } }`.
import { InvalidDirectoryEntryError } from "../errors.js";
import type { DirectoryEntry } from "./directory-entry.js";
import type { DirectoryView } from "./directory-view.js";
import { updateWorkspace } from "./update-workspace.js";

export interface StaticDirectoryWorkspace {
  readonly region?: string;
  readonly regions?: readonly string[];
  readonly realm?: string;
  readonly kmsKeyId?: string;
  readonly deletionGeneration?: number | string;
}

/** The entries a static directory file describes (seq left out). Throws InvalidDirectoryEntryError. */
export function parseStaticDirectory(text: string, source = "directory file"): Omit<DirectoryEntry, "seq">[] {
  let json: { workspaces?: unknown };
  try {
    json = JSON.parse(text) as { workspaces?: unknown };
  } catch (err) {
    throw new InvalidDirectoryEntryError(`${source} is not JSON: ${(err as Error).message}`, { source });
  }
  const ws = json?.workspaces;
  if (typeof ws !== "object" || ws === null || Array.isArray(ws))
    throw new InvalidDirectoryEntryError(`${source} needs a "workspaces" object`, { source });
  return Object.entries(ws as Record<string, string | StaticDirectoryWorkspace>).map(([id, w]) => {
    const spec: StaticDirectoryWorkspace = typeof w === "string" ? { region: w } : (w ?? {});
    const regions = spec.regions ?? (spec.region === undefined ? [] : [spec.region]);
    const home = regions[0];
    if (home === undefined)
      throw new InvalidDirectoryEntryError(`${source}: workspace ${JSON.stringify(id)} has no region`, {
        source,
      });
    return {
      workspaceId: id,
      realm: spec.realm ?? home,
      regions,
      state: "ONLINE",
      deletionGeneration: String(spec.deletionGeneration ?? 0),
      keyId: spec.kmsKeyId,
      erasedResources: [],
    };
  });
}

/** Registers the file's workspaces the log lacks; returns the ids registered. */
export async function bootstrapDirectory(
  view: DirectoryView,
  entries: readonly Omit<DirectoryEntry, "seq">[],
  actor = "bootstrap",
): Promise<string[]> {
  await view.refresh();
  const added: string[] = [];
  for (const e of entries) {
    if (view.get(e.workspaceId) !== undefined) continue;
    await updateWorkspace(
      view,
      e.workspaceId,
      "register",
      { actor, reason: "static directory bootstrap" },
      (c) => (c === undefined ? e : undefined),
    );
    added.push(e.workspaceId);
  }
  return added;
}
