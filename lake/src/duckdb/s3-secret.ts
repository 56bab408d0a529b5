// Gives a DuckDB connection (with httpfs loaded) access to an S3-compatible endpoint, as a temporary secret.
// Must never create a PERSISTENT secret: credentials would land on disk under the home directory.

import type { DuckDBConnection } from "@duckdb/node-api";
import { LakeError } from "../errors.js";
import { quoteLiteral } from "../io/sql-text.js";

export interface DuckDbS3SecretOptions {
  /** Secret name; one per endpoint when a connection reads from several. */
  readonly name: string;
  /** "http://127.0.0.1:19000" or a bare "host:port"; undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | undefined;
  /** Path-style URLs (MinIO). */
  readonly pathStyle: boolean;
  /** Limit the secret to URLs under this scope, e.g. "s3://bucket/prefix". */
  readonly scope: string | undefined;
}

export const DUCKDB_S3_SECRET_DEFAULTS: Readonly<
  Omit<DuckDbS3SecretOptions, "accessKeyId" | "secretAccessKey">
> = Object.freeze({
  name: "facsimile_s3",
  endpoint: undefined,
  region: "us-east-1",
  sessionToken: undefined,
  pathStyle: false,
  scope: undefined,
});

/** The CREATE SECRET statement (exported for tests and for printing with the secret masked). */
export function duckDbS3SecretSql(
  options: Partial<DuckDbS3SecretOptions> & Pick<DuckDbS3SecretOptions, "accessKeyId" | "secretAccessKey">,
): string {
  const o = { ...DUCKDB_S3_SECRET_DEFAULTS, ...options };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.name))
    throw new LakeError("DUCKDB_SECRET_NAME", `invalid DuckDB secret name ${JSON.stringify(o.name)}`);
  const parts = [
    "TYPE s3",
    `KEY_ID ${quoteLiteral(o.accessKeyId)}`,
    `SECRET ${quoteLiteral(o.secretAccessKey)}`,
    `REGION ${quoteLiteral(o.region)}`,
    `URL_STYLE ${quoteLiteral(o.pathStyle ? "path" : "vhost")}`,
  ];
  if (o.sessionToken !== undefined) parts.push(`SESSION_TOKEN ${quoteLiteral(o.sessionToken)}`);
  if (o.endpoint !== undefined) {
    const url = /^(https?):\/\/([^/]+)\/?$/.exec(o.endpoint);
    parts.push(`ENDPOINT ${quoteLiteral(url?.[2] ?? o.endpoint)}`);
    parts.push(`USE_SSL ${url?.[1] === "http" ? "false" : "true"}`);
  }
  if (o.scope !== undefined) parts.push(`SCOPE ${quoteLiteral(o.scope)}`);
  return `CREATE OR REPLACE TEMPORARY SECRET ${o.name} (${parts.join(", ")})`;
}

export async function createDuckDbS3Secret(
  connection: DuckDBConnection,
  options: Partial<DuckDbS3SecretOptions> & Pick<DuckDbS3SecretOptions, "accessKeyId" | "secretAccessKey">,
): Promise<void> {
  await connection.run(duckDbS3SecretSql(options));
}
