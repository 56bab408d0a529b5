// Public surface of @facsimile/bus. Filled in by its issue.
export {};
