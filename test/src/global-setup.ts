// Vitest global setup for the integration project: real services up once per run, shared bucket created.
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { TestProject } from "vitest/node";
import type { ServiceEndpoints } from "./endpoints.js";
import { startServices } from "./start-services.js";

declare module "vitest" {
  export interface ProvidedContext {
    services: ServiceEndpoints;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = await startServices();
  const { s3 } = started.endpoints;
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw err;
  } finally {
    client.destroy();
  }
  project.provide("services", started.endpoints);
  return () => started.stop();
}
