// Public surface of @facsimile/cli. Filled in by its issue.
export {};
