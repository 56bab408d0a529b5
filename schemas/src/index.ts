// Public surface of @facsimile/schemas. Filled in by its issue.
export {};
