// Proves the S3 server is real where our commit protocol and BYOK depend on it:
// atomic put-if-absent (If-None-Match: *) and SSE-KMS with a key id.
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { s3Client, services, uniqueName } from "../helpers.js";

describe("real S3 server", () => {
  const { s3 } = services();
  const client = s3Client();
  const prefix = uniqueName("smoke");
  afterAll(() => client.destroy());

  it("accepts a put-if-absent once and answers 412 the second time, keeping the first body", async () => {
    const Key = `${prefix}/_delta_log/00000000000000000000.json`;
    const put = (Body: string) =>
      client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body, IfNoneMatch: "*" }));
    await put("first");
    const second = await put("second").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(second).toBeInstanceOf(S3ServiceException);
    expect((second as S3ServiceException).$metadata.httpStatusCode).toBe(412);
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }));
    expect(await got.Body?.transformToString()).toBe("first");
  });

  it("encrypts with SSE-KMS and reports the key id on HeadObject", async () => {
    const Key = `${prefix}/encrypted.bin`;
    await client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key,
        Body: "secret payload",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: s3.kmsKeyId,
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toContain(s3.kmsKeyId);
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }));
    expect(await got.Body?.transformToString()).toBe("secret payload");
  });

  it("rejects SSE-KMS with a key the server does not know", async () => {
    const err = await client
      .send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `${prefix}/unknown-key.bin`,
          Body: "x",
          ServerSideEncryption: "aws:kms",
          SSEKMSKeyId: "no-such-key",
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(S3ServiceException);
  });
});
