// The Kafka key of a record: the workspace id, taken from the workspace ARI
// (`ari:cloud:platform::workspace/<id>` -> `<id>`). Every record of a workspace shares it, so one partition
// (and one consumer) holds all of a workspace's changes in a region.
import { InvalidAriError } from "../errors.js";
import { isWorkspaceAri, workspaceAri } from "./ari.js";
import { formatAri } from "./format-ari.js";
import { parseAri } from "./parse-ari.js";

/** `<id>` of `ari:cloud:platform::workspace/<id>`; InvalidAriError for any other ARI. */
export function workspaceKey(workspaceAriText: string): string {
  const ari = parseAri(workspaceAriText);
  if (!isWorkspaceAri(ari)) {
    throw new InvalidAriError(workspaceAriText, "not a workspace ARI (ari:cloud:platform::workspace/<id>)");
  }
  return ari.resourceId;
}

/** The canonical workspace ARI string of a workspace id. */
export function workspaceAriString(workspaceId: string): string {
  return formatAri(workspaceAri(workspaceId));
}
