// Public surface of @facsimile/transforms. Filled in by its issue.
export {};
