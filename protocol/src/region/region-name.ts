// Region names: lowercase letters, digits and '-', 1 to 48 characters, so that they fit in topic names and lake
// paths. Producers route by region, ingest runs per region; both check names here.
import { InvalidRegionError } from "../errors.js";

export const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;

export function assertRegion(region: string): void {
  if (!REGION_PATTERN.test(region)) throw new InvalidRegionError(region);
}
