// Loads the S3 implementation on first use. It needs @aws-sdk/client-s3 and @aws-sdk/lib-storage, optional peer
// dependencies of @facsimile/object-store: a service that never opens an s3:// store does not install them.
import { ObjectStoreError } from "../errors.js";

type S3Module = typeof import("./index.js");

const SDK_PACKAGES = ["@aws-sdk/client-s3", "@aws-sdk/lib-storage"] as const;

let loading: Promise<S3Module> | undefined;

/** The S3 object store module, or an ObjectStoreError saying which npm packages to add. */
export function loadS3(): Promise<S3Module> {
  loading ??= import("./index.js").catch((err: unknown) => {
    loading = undefined;
    const code = (err as { code?: unknown }).code;
    const missing = SDK_PACKAGES.find((p) => String((err as Error).message).includes(p));
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && missing !== undefined)
      throw new ObjectStoreError(
        `s3:// object stores need the AWS SDK, which is not installed (${missing}): ` +
          `npm install ${SDK_PACKAGES.join(" ")}`,
        { cause: err, context: { missing } },
      );
    throw err;
  });
  return loading;
}
