// The ARI string format shared by the encoder, the validators and the tests.

/** `ari:cloud:<product>:<workspace-id>:<type>/<id>`; the workspace id may be empty for global resources. */
export const ARI_PATTERN = /^ari:cloud:[^:\s]+:[^:\s]*:[^/\s]+\/\S+$/;

export function isAri(value: string): boolean {
  return ARI_PATTERN.test(value);
}
