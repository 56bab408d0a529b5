// Public surface of @facsimile/ingest. Filled in by its issue.
export {};
