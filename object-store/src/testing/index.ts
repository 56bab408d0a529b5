// @facsimile/object-store/testing: the conformance suite every ObjectStore implementation passes.
export {
  type ConformanceRunner,
  describeObjectStoreConformance,
  type MakeObjectStore,
  OBJECT_STORE_CONFORMANCE_DEFAULTS,
  type ObjectStoreConformanceOptions,
} from "./object-store-conformance.js";
