// Where the real services are, as the global setup resolved them. Pure data: no clients here.

/** Connection settings for the real Kafka broker and S3-compatible server the tests run against. */
export interface ServiceEndpoints {
  readonly kafkaBrokers: readonly string[];
  readonly s3: S3Endpoint;
  /** How they were obtained: already running (env), started by testcontainers, or by our harness. */
  readonly source: "env" | "docker" | "harness";
}

export interface S3Endpoint {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Bucket shared by the test run; each test writes under its own prefix. */
  readonly bucket: string;
  /** KMS key id the server knows (MinIO's static key name). */
  readonly kmsKeyId: string;
}

/** The harness defaults; docker-compose.yml uses the same ports and credentials. */
export const HARNESS_DEFAULTS = Object.freeze({
  kafkaBrokers: ["127.0.0.1:19092"],
  s3Endpoint: "http://127.0.0.1:19000",
  accessKeyId: "facsimile",
  secretAccessKey: "facsimile-secret",
  region: "us-east-1",
  kmsKeyId: "facsimile-key",
  bucket: "facsimile-test",
});
