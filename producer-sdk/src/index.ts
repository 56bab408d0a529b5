// Public surface of @facsimile/producer-sdk. Filled in by its issue.
export {};
