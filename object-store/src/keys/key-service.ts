// The key side of BYOK: a service holding named key-encryption keys (AWS KMS or a KMS-compatible server, or the
// embedded mode's local keystore). Control commands use it to check a rotation's target key and to destroy a
// workspace's key (crypto-shredding). Objects never go through it: the stores encrypt (S3: SSE-KMS on the server;
// local: envelope encryption with keys unwrapped from the keystore).

/** AWS KMS key states, plus "Destroyed" for a local key whose material is gone. */
export type KeyState = "Enabled" | "Disabled" | "PendingDeletion" | "Destroyed" | (string & {});

export interface KeyInfo {
  readonly keyId: string;
  readonly state: KeyState;
}

export interface KeyService {
  /** Where the keys live, for messages: "kms+http://127.0.0.1:19400", "keystore:/data/keystore.json". */
  readonly url: string;
  /** Undefined when no key has this id. */
  describeKey(keyId: string): Promise<KeyInfo | undefined>;
  /**
   * Makes the key unusable for good: decrypting what it protects becomes impossible (local: the material is
   * erased now; AWS KMS: disabled now and deleted after the shortest pending window).
   */
  destroyKey(keyId: string): Promise<KeyInfo>;
  close(): Promise<void>;
}
