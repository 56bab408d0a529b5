// The object store conformance suite against the real S3-compatible server (MinIO), each test on its own
// random key prefix, plus what only the S3 store promises: typed, retriable network errors and URL opening.

import { ObjectStoreError, openObjectStore } from "@facsimile/object-store";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import { describeObjectStoreConformance } from "@facsimile/object-store/testing";
import { describe, expect, it } from "vitest";
import { services, uniqueName } from "../helpers.js";

function storeOn(prefix: string): S3ObjectStore {
  const { s3 } = services();
  return new S3ObjectStore({
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

describeObjectStoreConformance(
  "S3 (MinIO)",
  async () => storeOn(uniqueName("object-store")),
  { describe, it },
  {
    kmsKeyId: services().s3.kmsKeyId,
    unknownKmsKeyId: "no-such-key",
  },
);

describe("S3ObjectStore", () => {
  it("opens from an s3:// URL with the endpoint and credentials in the options, keys under the prefix", async () => {
    const { s3 } = services();
    const prefix = uniqueName("open");
    const env = {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    };
    const opened = await openObjectStore(`s3://${s3.bucket}/${prefix}/lake`, { env });
    const direct = storeOn(`${prefix}/lake`);
    try {
      expect(opened.url).toBe(`s3://${s3.bucket}/${prefix}/lake`);
      await opened.put("t/part-0.parquet", new TextEncoder().encode("parquet bytes"));
      expect(new TextDecoder().decode(await direct.get("t/part-0.parquet"))).toBe("parquet bytes");
    } finally {
      await opened.close();
      await direct.close();
    }
  });

  it("reports an unreachable endpoint as a retriable ObjectStoreError after bounded attempts", async () => {
    const store = new S3ObjectStore({
      bucket: "any",
      endpoint: "http://127.0.0.1:1",
      forcePathStyle: true,
      maxAttempts: 2,
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    try {
      const err = await store.get("k").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ObjectStoreError);
      expect((err as ObjectStoreError).retriable).toBe(true);
      expect((err as ObjectStoreError).context).toMatchObject({ operation: "get", errno: "ECONNREFUSED" });
    } finally {
      await store.close();
    }
  });

  it("reports a missing bucket as a non-retriable ObjectStoreError, not as a missing object", async () => {
    const { s3 } = services();
    const store = new S3ObjectStore({
      bucket: uniqueName("no-bucket"),
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      const err = await store.get("k").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ObjectStoreError);
      expect((err as ObjectStoreError).retriable).toBe(false);
      expect((err as ObjectStoreError).context).toMatchObject({ s3Code: "NoSuchBucket", status: 404 });
    } finally {
      await store.close();
    }
  });
});
