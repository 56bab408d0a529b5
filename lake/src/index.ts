// Public surface of @facsimile/lake. Filled in by its issue.
export {};
