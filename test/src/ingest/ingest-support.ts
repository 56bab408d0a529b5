// Shared set-up of the ingest integration tests: a Kafka transport and an S3 store on the real services, each
// test on its own region (so its own topics) and bucket prefix, and a wait for a worker to catch up.
import { createKafkaTransport, type Transport } from "@facsimile/bus";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import { services, uniqueName } from "../helpers.js";

/** A region name valid for topics and lake paths, unique to this run. */
export function uniqueRegion(): string {
  return uniqueName("r")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 40);
}

export function kafkaTransport(): Transport {
  return createKafkaTransport({
    brokers: services().kafkaBrokers,
    clientId: uniqueName("ingest-it"),
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 10_000,
  });
}

export function s3Store(): S3ObjectStore {
  const s = services();
  return new S3ObjectStore({
    bucket: s.s3.bucket,
    prefix: uniqueName("ingest-it"),
    endpoint: s.s3.endpoint,
    region: s.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.s3.accessKeyId, secretAccessKey: s.s3.secretAccessKey },
  });
}
