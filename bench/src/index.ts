// Public surface of @facsimile/bench. Filled in by its issue.
export {};
