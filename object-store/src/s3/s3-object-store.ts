// The object store on S3 (AWS or a compatible server such as MinIO): bucket + key prefix. putIfAbsent is a
// conditional create (If-None-Match: *), also for multipart bodies (the condition sits on
// CompleteMultipartUpload), so it never overwrites. Retries are bounded by the SDK's maxAttempts; this module
// must never retry on its own or hide a lost race.

import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ObjectExistsError, ObjectNotFoundError, ObjectStoreError } from "../errors.js";
import { routeKmsKey } from "../keys/seal-options.js";
import { assertValidKey, assertValidPrefix } from "../object-key.js";
import type { ListOptions, ObjectInfo, ObjectStore, PutOptions } from "../types.js";
import { isConditionalCreateConflict, isS3NotFound, toS3StoreError } from "./s3-errors.js";
import {
  buildS3Client,
  normalizeKmsKeyId,
  S3_OBJECT_STORE_DEFAULTS,
  type S3ObjectStoreOptions,
} from "./s3-options.js";

const MAX_PARTS = 10_000;
const MAX_COPY_BYTES = 5 * 1024 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly options: S3ObjectStoreOptions;
  private readonly ownsClient: boolean;

  constructor(options: Partial<S3ObjectStoreOptions> & { readonly bucket: string }) {
    this.options = { ...S3_OBJECT_STORE_DEFAULTS, ...options };
    if (this.options.partSize < MIN_PART_SIZE)
      throw new ObjectStoreError(
        `partSize ${this.options.partSize} is below S3's minimum of ${MIN_PART_SIZE}`,
        {
          context: { partSize: this.options.partSize },
        },
      );
    this.bucket = this.options.bucket;
    this.prefix = this.options.prefix.replace(/^\/+|\/+$/g, "");
    this.url = `s3://${this.bucket}${this.prefix === "" ? "" : `/${this.prefix}`}`;
    this.ownsClient = this.options.client === undefined;
    this.client = this.options.client ?? buildS3Client(this.options);
  }

  async get(key: string): Promise<Uint8Array> {
    const Key = this.fullKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      if (out.Body === undefined) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (isS3NotFound(err)) throw new ObjectNotFoundError(this.url, key, { cause: err });
      throw toS3StoreError(err, { url: this.url, key, operation: "get", reading: true });
    }
  }

  put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    return this.upload(key, body, this.routed(key, options), false);
  }

  putIfAbsent(key: string, body: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    return this.upload(key, body, this.routed(key, options), true);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.fullKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      const kmsKeyId = normalizeKmsKeyId(out.SSEKMSKeyId);
      return {
        key,
        size: out.ContentLength ?? 0,
        lastModified: out.LastModified?.getTime() ?? 0,
        ...(out.ETag === undefined ? {} : { etag: out.ETag }),
        ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
      };
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw toS3StoreError(err, { url: this.url, key, operation: "head" });
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    assertValidPrefix(this.url, prefix);
    const root = this.prefix === "" ? "" : `${this.prefix}/`;
    let ContinuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: `${root}${prefix}`,
            ...(options.delimiter === undefined ? {} : { Delimiter: options.delimiter }),
            ...(options.startAfter === undefined ? {} : { StartAfter: `${root}${options.startAfter}` }),
            ...(ContinuationToken === undefined ? {} : { ContinuationToken }),
          }),
        );
      } catch (err) {
        throw toS3StoreError(err, { url: this.url, key: prefix, operation: "list" });
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key.slice(root.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified?.getTime() ?? 0,
          ...(object.ETag === undefined ? {} : { etag: object.ETag }),
        };
      }
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      if (isS3NotFound(err)) return;
      throw toS3StoreError(err, { url: this.url, key, operation: "delete" });
    }
  }

  async putFile(key: string, localPath: string, requested: PutOptions = {}): Promise<ObjectInfo> {
    const Key = this.fullKey(key);
    const options = this.routed(key, requested);
    let size: number;
    try {
      size = (await stat(localPath)).size;
    } catch (err) {
      throw new ObjectStoreError(`putFile ${JSON.stringify(key)}: cannot read local file ${localPath}`, {
        context: { url: this.url, key, localPath },
        cause: err,
      });
    }
    const partSize = Math.max(this.options.partSize, Math.ceil(size / MAX_PARTS));
    const body = createReadStream(localPath, { highWaterMark: Math.min(partSize, 1024 * 1024) });
    try {
      const out = await new Upload({
        client: this.client,
        params: { ...this.putParams(Key, options), Body: body, ContentLength: size },
        partSize,
        queueSize: this.options.queueSize,
      }).done();
      return this.putInfo(key, size, out.ETag, options);
    } catch (err) {
      throw toS3StoreError(err, { url: this.url, key, operation: "putFile", kmsKeyId: options.kmsKeyId });
    } finally {
      body.destroy();
    }
  }

  async getFile(key: string, localPath: string): Promise<void> {
    const Key = this.fullKey(key);
    const target = resolve(localPath);
    const tmp = `${target}.${randomBytes(6).toString("hex")}.part`;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      await pipeline(out.Body as Readable, createWriteStream(tmp, { flags: "wx" }));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      if (isS3NotFound(err)) throw new ObjectNotFoundError(this.url, key, { cause: err });
      throw toS3StoreError(err, { url: this.url, key, operation: "getFile", reading: true });
    }
  }

  async rekey(key: string, kmsKeyId: string): Promise<ObjectInfo | undefined> {
    const Key = this.fullKey(key);
    const options = this.routed(key, { kmsKeyId });
    const before = await this.head(key);
    if (before === undefined) return undefined;
    if (before.size > MAX_COPY_BYTES) return this.rekeyByDownload(key, options);
    try {
      // A copy onto itself that changes only the encryption; a source deleted meanwhile fails, never revives.
      const out = await this.client.send(
        new CopyObjectCommand({
          ...this.putParams(Key, options),
          CopySource: `${this.bucket}/${Key.split("/").map(encodeURIComponent).join("/")}`,
          MetadataDirective: "COPY",
        }),
      );
      const kms = normalizeKmsKeyId(out.SSEKMSKeyId) ?? options.kmsKeyId;
      return {
        key,
        size: before.size,
        lastModified: out.CopyObjectResult?.LastModified?.getTime() ?? Date.now(),
        ...(out.CopyObjectResult?.ETag === undefined ? {} : { etag: out.CopyObjectResult.ETag }),
        ...(kms === undefined ? {} : { kmsKeyId: kms }),
      };
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw toS3StoreError(err, { url: this.url, key, operation: "rekey", kmsKeyId: options.kmsKeyId });
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /** Objects above CopyObject's 5 GiB limit: through a local temp file. */
  private async rekeyByDownload(key: string, options: PutOptions): Promise<ObjectInfo | undefined> {
    const tmp = resolve(tmpdir(), `facsimile-rekey-${randomBytes(8).toString("hex")}`);
    try {
      await this.getFile(key, tmp);
      return await this.putFile(key, tmp, options);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private routed(key: string, options: PutOptions): PutOptions {
    return routeKmsKey(this.options.kmsKeyRoute, key, options);
  }

  private fullKey(key: string): string {
    assertValidKey(this.url, key);
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  private putParams(Key: string, options: PutOptions): PutObjectCommandInput {
    return {
      Bucket: this.bucket,
      Key,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.kmsKeyId === undefined
        ? {}
        : { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: options.kmsKeyId }),
    };
  }

  private async upload(
    key: string,
    body: Uint8Array,
    options: PutOptions,
    ifAbsent: boolean,
  ): Promise<ObjectInfo> {
    const Key = this.fullKey(key);
    const params: PutObjectCommandInput = {
      ...this.putParams(Key, options),
      ...(ifAbsent ? { IfNoneMatch: "*" } : {}),
      Body: body,
      ContentLength: body.byteLength,
    };
    const operation = ifAbsent ? "putIfAbsent" : "put";
    try {
      if (body.byteLength <= this.options.multipartThreshold) {
        const out = await this.client.send(new PutObjectCommand(params));
        return this.putInfo(key, body.byteLength, out.ETag, options);
      }
      // lib-storage passes IfNoneMatch on to CompleteMultipartUpload, which makes the multipart create atomic.
      const out = await new Upload({
        client: this.client,
        params,
        partSize: Math.max(this.options.partSize, Math.ceil(body.byteLength / MAX_PARTS)),
        queueSize: this.options.queueSize,
      }).done();
      return this.putInfo(key, body.byteLength, out.ETag, options);
    } catch (err) {
      if (ifAbsent && isConditionalCreateConflict(err)) {
        if (await this.wonBeforeRetry(err, key, body))
          return this.putInfo(key, body.byteLength, undefined, options);
        throw new ObjectExistsError(this.url, key, { cause: err });
      }
      throw toS3StoreError(err, { url: this.url, key, operation, kmsKeyId: options.kmsKeyId });
    }
  }

  /**
   * A 412 on a retried request may answer our own first attempt, whose response was lost: then the stored body
   * is ours. Only then (attempts > 1) is the object read back and compared byte for byte.
   */
  private async wonBeforeRetry(err: unknown, key: string, body: Uint8Array): Promise<boolean> {
    const attempts = (err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    if (attempts <= 1) return false;
    const stored = await this.get(key).catch(() => undefined);
    return (
      stored !== undefined &&
      Buffer.from(stored).equals(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
    );
  }

  private putInfo(key: string, size: number, etag: string | undefined, options: PutOptions): ObjectInfo {
    // S3 does not return the modification time on put; the client clock stands in for it.
    return {
      key,
      size,
      lastModified: Date.now(),
      ...(etag === undefined ? {} : { etag }),
      ...(options.kmsKeyId === undefined ? {} : { kmsKeyId: options.kmsKeyId }),
    };
  }
}
