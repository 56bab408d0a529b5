// Public surface of @facsimile/query. Filled in by its issue.
export {};
