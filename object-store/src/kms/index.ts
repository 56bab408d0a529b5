// @facsimile/object-store/kms: the key service on AWS KMS (or a compatible server). Needs @aws-sdk/client-kms,
// an optional peer dependency, so it is a subpath of its own.
export {
  AWS_KMS_KEY_SERVICE_DEFAULTS,
  AwsKmsKeyService,
  type AwsKmsKeyServiceOptions,
} from "./aws-kms-key-service.js";
