// What a product service installs with the producer SDK, read from the repository's package-lock.json: the
// production closure of @facsimile/producer-sdk (dependencies, optional dependencies and required peers, resolved
// the way npm resolves them) holds no DuckDB, no TypeScript compiler, no template engine, and the AWS SDK only as
// the object store's optional peer, needed when a producer offloads to S3.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface LockEntry {
  readonly name?: string;
  readonly link?: boolean;
  readonly resolved?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

const lock = JSON.parse(readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8")) as {
  readonly packages: Readonly<Record<string, LockEntry>>;
};

/** The lockfile path npm resolves `name` to from the package at `from`: nearest node_modules upwards. */
function resolveFrom(from: string, name: string): string | undefined {
  for (
    let dir = from;
    ;
    dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : ""
  ) {
    const path = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    const entry = lock.packages[path];
    if (entry !== undefined)
      return entry.link === true && entry.resolved !== undefined ? entry.resolved : path;
    if (dir === "") return undefined;
  }
}

interface Closure {
  /** Package names installed in production. */
  readonly names: Set<string>;
  /** Optional peers met on the way, as "peer <- package that declares it". */
  readonly optionalPeers: Set<string>;
  readonly unresolved: string[];
}

function productionClosure(root: string): Closure {
  const closure: Closure = { names: new Set(), optionalPeers: new Set(), unresolved: [] };
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const entry = lock.packages[path];
    if (entry === undefined) throw new Error(`${path} is not in package-lock.json`);
    closure.names.add(entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
    const optionalPeer = (n: string) => entry.peerDependenciesMeta?.[n]?.optional === true;
    for (const n of Object.keys(entry.peerDependencies ?? {}))
      if (optionalPeer(n)) closure.optionalPeers.add(`${n} <- ${entry.name ?? path}`);
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeer(n)),
    ];
    for (const n of wanted) {
      const target = resolveFrom(path, n);
      if (target === undefined) closure.unresolved.push(`${n} (from ${path})`);
      else visit(target);
    }
  };
  visit(root);
  return closure;
}

describe("the producer SDK's install", () => {
  const closure = productionClosure("producer-sdk");
  const names = [...closure.names].sort();

  it("resolves completely from the lockfile, through protobuf and the transport", () => {
    expect(closure.unresolved).toEqual([]);
    expect(names).toContain("@facsimile/producer-sdk");
    expect(names).toContain("@facsimile/protocol");
    expect(names).toContain("@bufbuild/protobuf");
    expect(names).toContain("kafkajs");
  });

  it("holds no DuckDB, no TypeScript compiler, no template engine", () => {
    expect(names.filter((n) => n.startsWith("@duckdb/"))).toEqual([]);
    expect(
      names.filter((n) => ["typescript", "ts-morph", "@ts-morph/common", "nunjucks"].includes(n)),
    ).toEqual([]);
    expect(names).not.toContain("@facsimile/lake");
    expect(names).not.toContain("@facsimile/schemas-compiler");
  });

  it("needs the AWS SDK only as the object store's optional peers (S3 for offloading, KMS for key services)", () => {
    expect(names.filter((n) => n.startsWith("@aws-sdk/") || n.startsWith("@smithy/"))).toEqual([]);
    expect([...closure.optionalPeers].sort()).toEqual([
      "@aws-sdk/client-kms <- @facsimile/object-store",
      "@aws-sdk/client-s3 <- @facsimile/object-store",
      "@aws-sdk/lib-storage <- @facsimile/object-store",
    ]);
  });
});
