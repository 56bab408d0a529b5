// @facsimile/lake/testing: test support. A lake in a temporary folder with its DuckDB connection.
export { type TempLake, tempLake } from "./temp-lake.js";
