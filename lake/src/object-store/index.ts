// Public surface of @facsimile/lake/object-store: importable without the table format.
export { isLakeError, LakeError, ObjectExistsError, ObjectNotFoundError } from "../errors.js";
export type { ListOptions, ObjectInfo, ObjectStore, PutOptions } from "./types.js";
