// Formats an Ari value as its canonical string, validating every segment first, so that no malformed ARI is
// ever written to the bus. The inverse of parseAri: parseAri(formatAri(a)) deep-equals a.
import { InvalidAriError } from "../errors.js";
import {
  ARI_PREFIX,
  type Ari,
  MAX_ARI_LENGTH,
  PRODUCT_PATTERN,
  RESOURCE_ID_PATTERN,
  RESOURCE_TYPE_PATTERN,
  WORKSPACE_ID_PATTERN,
} from "./ari.js";

export function formatAri(ari: Ari): string {
  const text = `${ARI_PREFIX}${ari.product}:${ari.workspaceId}:${ari.resourceType}/${ari.resourceId}`;
  const reason = ariProblem(ari);
  if (reason !== undefined) throw new InvalidAriError(text, reason);
  if (text.length > MAX_ARI_LENGTH)
    throw new InvalidAriError(text, `longer than ${MAX_ARI_LENGTH} characters`);
  return text;
}

/** Why the segments do not form a valid ARI, or undefined when they do. */
export function ariProblem(ari: Ari): string | undefined {
  if (!PRODUCT_PATTERN.test(ari.product))
    return `product ${JSON.stringify(ari.product)} is not [a-z][a-z0-9-]*`;
  if (ari.workspaceId !== "" && !WORKSPACE_ID_PATTERN.test(ari.workspaceId)) {
    return `workspace id ${JSON.stringify(ari.workspaceId)} is not [A-Za-z0-9][A-Za-z0-9._-]*`;
  }
  if (!RESOURCE_TYPE_PATTERN.test(ari.resourceType)) {
    return `resource type ${JSON.stringify(ari.resourceType)} is not [a-z][a-z0-9-]*`;
  }
  if (!RESOURCE_ID_PATTERN.test(ari.resourceId)) {
    return `resource id ${JSON.stringify(ari.resourceId)} must be 1-512 printable ASCII characters without spaces`;
  }
  return undefined;
}
