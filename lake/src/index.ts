// Public surface of @facsimile/lake.
export * from "./object-store/index.js";
