// The ARI (resource name) as a value: `ari:cloud:<product>:<workspace-id>:<type>/<id>`. A workspace itself is
// named `ari:cloud:platform::workspace/<workspace-id>`. Pure data and predicates; no I/O, no protobuf.

export interface Ari {
  /** Product segment, e.g. "jira"; "platform" for workspaces. */
  readonly product: string;
  /** Workspace segment; empty for platform-level resources such as the workspace ARI itself. */
  readonly workspaceId: string;
  /** Resource type, e.g. "issue". */
  readonly resourceType: string;
  /** Resource id: any printable ASCII without whitespace, may contain '/' and ':'. */
  readonly resourceId: string;
}

export const ARI_PREFIX = "ari:cloud:";
/** Longest ARI string accepted: keeps Kafka keys and table keys bounded. */
export const MAX_ARI_LENGTH = 1024;

export const PRODUCT_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const RESOURCE_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
export const RESOURCE_ID_PATTERN = /^[\x21-\x7e]{1,512}$/;

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number) => isLower(c) || isDigit(c) || (c >= 0x41 && c <= 0x5a);
const isSegment = (c: number) => isLower(c) || isDigit(c) || c === 0x2d;
const isWorkspaceChar = (c: number) => isAlnum(c) || c === 0x2e || c === 0x5f || c === 0x2d;

/** Scans `[first][rest]*` up to `stop`; returns the index of `stop`, or -1 when the segment is malformed. */
function scan(
  text: string,
  i: number,
  stop: number,
  max: number,
  first: (c: number) => boolean,
  rest: (c: number) => boolean,
): number {
  const start = i;
  if (!first(text.charCodeAt(i))) return -1;
  for (i += 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === stop) return i - start <= max ? i : -1;
    if (!rest(c)) return -1;
  }
  return -1;
}

/**
 * True exactly when parseAri(text) would succeed, without building the parts: one pass over the char codes,
 * for the decode path that checks two ARIs per record (ari.test.ts proves it agrees with parseAri).
 */
export function isValidAri(text: string): boolean {
  if (text.length > MAX_ARI_LENGTH || !text.startsWith(ARI_PREFIX)) return false;
  let i = scan(text, ARI_PREFIX.length, 0x3a, 64, isLower, isSegment);
  if (i < 0) return false;
  i += 1;
  if (text.charCodeAt(i) !== 0x3a) {
    i = scan(text, i, 0x3a, 128, isAlnum, isWorkspaceChar);
    if (i < 0) return false;
  }
  i = scan(text, i + 1, 0x2f, 64, isLower, isSegment);
  if (i < 0) return false;
  const idLength = text.length - i - 1;
  if (idLength < 1 || idLength > 512) return false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** The ARI that names a workspace: `ari:cloud:platform::workspace/<workspaceId>`. */
export function workspaceAri(workspaceId: string): Ari {
  return { product: "platform", workspaceId: "", resourceType: "workspace", resourceId: workspaceId };
}

/** True for `ari:cloud:platform::workspace/<id>`. */
export function isWorkspaceAri(ari: Ari): boolean {
  return ari.product === "platform" && ari.workspaceId === "" && ari.resourceType === "workspace";
}

export function ariEquals(a: Ari, b: Ari): boolean {
  return (
    a.product === b.product &&
    a.workspaceId === b.workspaceId &&
    a.resourceType === b.resourceType &&
    a.resourceId === b.resourceId
  );
}
