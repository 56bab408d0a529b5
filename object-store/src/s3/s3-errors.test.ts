// The S3 error mapping on synthetic SDK errors: what AWS answers for KMS refusals, which MinIO and moto never do.
import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { KmsKeyError, KmsKeyUnavailableError, ObjectStoreError } from "../errors.js";
import { toS3StoreError } from "./s3-errors.js";

function awsError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: "client",
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

const at = { url: "s3://b/p", key: "regions/eu/tables/t/workspace_id=w/part-1.parquet" };

describe("toS3StoreError", () => {
  it("reads of an object whose KMS key is disabled or pending deletion are KmsKeyUnavailableError", () => {
    for (const name of ["KMS.DisabledException", "KMS.KMSInvalidStateException"]) {
      const err = toS3StoreError(awsError(name, 400), { ...at, operation: "get", reading: true });
      expect(err).toBeInstanceOf(KmsKeyUnavailableError);
      expect(err.retriable).toBe(false);
      expect(err.message).toContain(name);
    }
  });

  it("a write naming a refused key is KmsKeyError; a throttled KMS stays retriable", () => {
    const put = toS3StoreError(awsError("KMS.NotFoundException", 400), {
      ...at,
      operation: "put",
      kmsKeyId: "k",
    });
    expect(put).toBeInstanceOf(KmsKeyError);
    const slow = toS3StoreError(awsError("KMS.ThrottlingException", 400), {
      ...at,
      operation: "get",
      reading: true,
    });
    expect(slow).toBeInstanceOf(ObjectStoreError);
    expect(slow.retriable).toBe(true);
  });
});
