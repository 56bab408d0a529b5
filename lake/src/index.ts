// Public surface of @facsimile/lake.

export * from "./duckdb/index.js";
export * from "./object-store/index.js";
