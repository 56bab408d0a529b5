// A small schema repository for the expand-contract tests: entity sources with a history (a retired field,
// a removed entity), committed once into a real git repository that every case copies cheaply.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import {
  compileSchemas,
  compileSchemasDir,
  GENERATED_PATHS,
  type Lockfile,
} from "@facsimile/schemas-compiler";

const run = promisify(execFile);

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd });
  return stdout;
}

const DSL =
  'import type { ComposedBy, Entity, EntityState, Float64, Int32, Manifest, String, Timestamp } from "../dsl.js";';

/** The base revision's entity sources, relative to the schemas folder. */
export const BASE_SOURCES: Readonly<Record<string, string>> = Object.freeze({
  "entities/team.ts": `export enum Team {
  ALPHA = "ALPHA",
  BETA = "BETA",
}
`,
  "entities/color.ts": `export enum Color {
  RED = "RED",
  GREEN = "GREEN",
  /** @deprecated nobody ships blue */
  BLUE = "BLUE",
}
`,
  "entities/customer.ts": `${DSL}
import type { Team } from "./team.js";

export interface CustomerManifest extends Manifest {
  owner: Team.BETA;
  status: EntityState.ACTIVE;
}

export interface Customer extends Entity {
  id: string;
  name: string;
}
`,
  "entities/order.ts": `${DSL}
import type { Color } from "./color.js";
import type { Customer } from "./customer.js";
import type { Team } from "./team.js";

export interface OrderManifest extends Manifest {
  owner: Team.ALPHA;
  status: EntityState.ACTIVE;
}

export interface OrderLine {
  sku: string;
  count: Int32;
  /** @deprecated use Order.total */
  oldPrice: Float64;
}

export interface Order extends Entity {
  id: string;
  customer: String;
  customerRef: ComposedBy<Customer>;
  total: Float64;
  quantity: Int32;
  placedAt: Timestamp;
  color: Color;
  tags: string[];
  lines: OrderLine[];
  note?: string;
  /** @deprecated use id */
  legacyCode: string;
}
`,
  "entities/shipment.ts": `${DSL}
import type { Team } from "./team.js";

export interface ShipmentManifest extends Manifest {
  owner: Team.ALPHA;
  status: EntityState.ACTIVE;
}

export interface Shipment extends Entity {
  id: string;
  carrier: String;
}
`,
  "entities/legacy.ts": `${DSL}
import type { Team } from "./team.js";

export interface LegacyManifest extends Manifest {
  owner: Team.BETA;
  status: EntityState.DEPRECATED;
}

export interface Legacy extends Entity {
  id: string;
}
`,
});

/** The revision before the base: Order still had `discount`, and the entity Gone still existed. */
const HISTORY_SOURCES: Readonly<Record<string, string>> = Object.freeze({
  ...BASE_SOURCES,
  "entities/order.ts": (BASE_SOURCES["entities/order.ts"] ?? "").replace(
    "  note?: string;",
    "  note?: string;\n  /** @deprecated */\n  discount: Float64;",
  ),
  "entities/gone.ts": `${DSL}
import type { Team } from "./team.js";

export interface GoneManifest extends Manifest {
  owner: Team.BETA;
  status: EntityState.DEPRECATED;
}

export interface Gone extends Entity {
  id: string;
}
`,
});

export interface SchemaRepo {
  readonly root: string;
  readonly schemasDir: string;
}

async function writeSources(schemasDir: string, sources: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(sources)) {
    await mkdir(dirname(join(schemasDir, path)), { recursive: true });
    await writeFile(join(schemasDir, path), text);
  }
}

/** Creates the base repository: history compiled, then the base compiled and committed on branch main. */
export async function createBaseRepo(): Promise<SchemaRepo> {
  const root = await mkdtemp(join(tmpdir(), "facsimile-schemas-base-"));
  const schemasDir = join(root, "schemas");
  const history = await compileSchemas({
    sources: new Map(Object.entries(HISTORY_SOURCES)),
    lockfileText: undefined,
  });
  await writeSources(schemasDir, BASE_SOURCES);
  await writeFile(
    join(schemasDir, GENERATED_PATHS.lockfile),
    history.files.get(GENERATED_PATHS.lockfile) ?? "",
  );
  await compileSchemasDir(schemasDir);
  await git(root, "init", "--quiet", "--initial-branch=main");
  await git(root, "add", "-A");
  await git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "base");
  return { root, schemasDir };
}

/** A private copy of the base repository for one case. */
export async function copyRepo(base: SchemaRepo, name: string): Promise<SchemaRepo> {
  const root = await mkdtemp(join(tmpdir(), `facsimile-schemas-${name}-`));
  await cp(base.root, root, { recursive: true });
  return { root, schemasDir: join(root, "schemas") };
}

export async function removeRepo(repo: SchemaRepo): Promise<void> {
  await rm(repo.root, { recursive: true, force: true });
}

/** Edits one entity source (path relative to the schemas folder) with a string replacement that must apply. */
export async function editSource(repo: SchemaRepo, path: string, from: string, to: string): Promise<void> {
  const file = join(repo.schemasDir, path);
  const text = await readFile(file, "utf8");
  if (!text.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
  await writeFile(file, text.replace(from, to));
}

export async function writeSource(repo: SchemaRepo, path: string, text: string): Promise<void> {
  await writeSources(repo.schemasDir, { [path]: text });
}

export async function deleteSource(repo: SchemaRepo, path: string): Promise<void> {
  await rm(join(repo.schemasDir, path));
}

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

/** Edits the lockfile as JSON (a hand edit, the thing the lockfile rules exist to catch). */
export async function editLockfile(repo: SchemaRepo, edit: (lock: Mutable<Lockfile>) => void): Promise<void> {
  const file = join(repo.schemasDir, GENERATED_PATHS.lockfile);
  const lock = JSON.parse(await readFile(file, "utf8")) as Mutable<Lockfile>;
  edit(lock);
  await writeFile(file, `${JSON.stringify(lock, null, 2)}\n`);
}

export { DSL };
