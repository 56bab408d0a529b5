// Per-test isolation on shared real services: random topic names, random bucket prefixes, real clients.
import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { Kafka, logLevel } from "kafkajs";
import { inject } from "vitest";
import type { S3Endpoint, ServiceEndpoints } from "./endpoints.js";

/** The services the global setup resolved. Only valid inside the integration test project. */
export function services(): ServiceEndpoints {
  const s = inject("services");
  if (s === undefined)
    throw new Error("no services provided: run integration tests through vitest's 'integration' project");
  return s;
}

/** A name no other test (or earlier run) uses: `<prefix>-<time>-<random>`. Valid as a topic or key prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

export function kafkaClient(clientId = uniqueName("test")): Kafka {
  return new Kafka({ clientId, brokers: [...services().kafkaBrokers], logLevel: logLevel.NOTHING });
}

export function s3Client(s3: S3Endpoint = services().s3): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}
