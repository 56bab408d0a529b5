// Test support shared by the cross-package tests: where the real services are and how to stay isolated on them.
export { HARNESS_DEFAULTS, type S3Endpoint, type ServiceEndpoints } from "./endpoints.js";
export { kafkaClient, s3Client, services, uniqueName } from "./helpers.js";
export { type StartedServices, startServices } from "./start-services.js";
