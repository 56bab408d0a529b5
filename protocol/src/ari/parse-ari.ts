// Parses and validates an ARI string. Every ARI that enters the system from outside (producer input, decoded
// records) goes through here; it never guesses or repairs.
import { InvalidAriError } from "../errors.js";
import { ARI_PREFIX, type Ari, MAX_ARI_LENGTH } from "./ari.js";
import { ariProblem } from "./format-ari.js";

/** Throws InvalidAriError with the reason when `text` is not `ari:cloud:<product>:<workspace-id>:<type>/<id>`. */
export function parseAri(text: string): Ari {
  if (text.length > MAX_ARI_LENGTH)
    throw new InvalidAriError(text, `longer than ${MAX_ARI_LENGTH} characters`);
  if (!text.startsWith(ARI_PREFIX)) throw new InvalidAriError(text, `does not start with "${ARI_PREFIX}"`);
  const rest = text.slice(ARI_PREFIX.length);
  const productEnd = rest.indexOf(":");
  if (productEnd < 0) throw new InvalidAriError(text, "missing the workspace segment");
  const workspaceEnd = rest.indexOf(":", productEnd + 1);
  if (workspaceEnd < 0) throw new InvalidAriError(text, "missing the <type>/<id> segment");
  const resource = rest.slice(workspaceEnd + 1);
  const slash = resource.indexOf("/");
  if (slash < 0) throw new InvalidAriError(text, "resource segment has no '/' between type and id");
  const ari: Ari = {
    product: rest.slice(0, productEnd),
    workspaceId: rest.slice(productEnd + 1, workspaceEnd),
    resourceType: resource.slice(0, slash),
    resourceId: resource.slice(slash + 1),
  };
  const reason = ariProblem(ari);
  if (reason !== undefined) throw new InvalidAriError(text, reason);
  return ari;
}

/** parseAri that returns undefined instead of throwing. */
export function tryParseAri(text: string): Ari | undefined {
  try {
    return parseAri(text);
  } catch {
    return undefined;
  }
}
