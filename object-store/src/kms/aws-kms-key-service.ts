// The key service on AWS KMS or a KMS-compatible server (moto in the tests): describe a key's state, destroy a
// key (disabled at once so nothing decrypts from now on, then scheduled for deletion after the shortest pending
// window AWS allows). Credentials come from the options or the SDK's chain; never logged.
import {
  DescribeKeyCommand,
  DisableKeyCommand,
  KMSClient,
  NotFoundException,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { KmsKeyError, ObjectStoreError } from "../errors.js";
import type { KeyInfo, KeyService } from "../keys/key-service.js";
import type { S3Credentials } from "../s3/s3-options.js";

export interface AwsKmsKeyServiceOptions {
  /** Custom endpoint (moto, LocalStack); undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly credentials: S3Credentials | undefined;
  /** Days before a destroyed key is deleted for good (AWS: 7 to 30). */
  readonly pendingWindowDays: number;
}

export const AWS_KMS_KEY_SERVICE_DEFAULTS: Readonly<AwsKmsKeyServiceOptions> = Object.freeze({
  endpoint: undefined,
  region: "us-east-1",
  credentials: undefined,
  pendingWindowDays: 7,
});

export class AwsKmsKeyService implements KeyService {
  readonly url: string;
  readonly client: KMSClient;
  private readonly options: AwsKmsKeyServiceOptions;

  constructor(options: Partial<AwsKmsKeyServiceOptions> = {}) {
    this.options = { ...AWS_KMS_KEY_SERVICE_DEFAULTS, ...options };
    this.url = `kms:${this.options.endpoint ?? `aws/${this.options.region}`}`;
    this.client = new KMSClient({
      region: this.options.region,
      ...(this.options.endpoint === undefined ? {} : { endpoint: this.options.endpoint }),
      ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
    });
  }

  async describeKey(keyId: string): Promise<KeyInfo | undefined> {
    try {
      const out = await this.client.send(new DescribeKeyCommand({ KeyId: keyId }));
      return { keyId, state: out.KeyMetadata?.KeyState ?? "Unknown" };
    } catch (err) {
      if (err instanceof NotFoundException) return undefined;
      throw new ObjectStoreError(`KMS DescribeKey of ${JSON.stringify(keyId)} failed at ${this.url}`, {
        context: { keyId, kms: this.url },
        cause: err,
        retriable: true,
      });
    }
  }

  async destroyKey(keyId: string): Promise<KeyInfo> {
    const before = await this.describeKey(keyId);
    if (before === undefined) throw new KmsKeyError(this.url, "-", keyId);
    if (before.state === "PendingDeletion") return before;
    try {
      if (before.state === "Enabled") await this.client.send(new DisableKeyCommand({ KeyId: keyId }));
      await this.client.send(
        new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: this.options.pendingWindowDays }),
      );
    } catch (err) {
      throw new ObjectStoreError(`KMS could not destroy key ${JSON.stringify(keyId)} at ${this.url}`, {
        context: { keyId, kms: this.url },
        cause: err,
      });
    }
    return (await this.describeKey(keyId)) ?? { keyId, state: "PendingDeletion" };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
