// Encoding and decoding of one commit file: newline-delimited JSON actions. Decoding checks every action we act
// on and names the version and line of what is wrong; actions we do not know (cdc, domainMetadata, ...) are
// skipped as the protocol asks. Pure: no IO.
import { LogCorruptError } from "../errors.js";
import type { Action } from "./actions.js";
import { descriptorProblem } from "./deletion-vectors/descriptor.js";

export function encodeCommit(actions: readonly Action[]): Uint8Array {
  return new TextEncoder().encode(`${actions.map((a) => JSON.stringify(a)).join("\n")}\n`);
}

export interface DecodeContext {
  readonly table: string;
  readonly version: number;
  readonly key: string;
}

export function decodeCommit(body: Uint8Array, where: DecodeContext): Action[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch (err) {
    throw corrupt(where, "not UTF-8", err);
  }
  const actions: Action[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? "";
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw corrupt(where, `line ${i + 1} is not JSON`, err);
    }
    const action = checkAction(value, (detail) => corrupt(where, `line ${i + 1}: ${detail}`));
    if (action !== undefined) actions.push(action);
  }
  if (actions.length === 0) throw corrupt(where, "no actions (empty commit file)");
  return actions;
}

function corrupt(where: DecodeContext, detail: string, cause?: unknown): LogCorruptError {
  return new LogCorruptError(
    where.table,
    where.version,
    where.key,
    detail,
    cause === undefined ? {} : { cause },
  );
}

type Fail = (detail: string) => Error;

/** The action in `value`, checked; undefined for an action kind we skip. Exported for checkpoint rows. */
export function checkAction(value: unknown, fail: Fail): Action | undefined {
  if (!isObject(value)) throw fail("not a JSON object");
  const keys = Object.keys(value).filter((k) => value[k] !== null && value[k] !== undefined);
  if (keys.length !== 1) throw fail(`expected exactly one action, found ${JSON.stringify(keys)}`);
  const kind = keys[0] as string;
  const body = value[kind];
  if (!isObject(body)) throw fail(`${kind} is not an object`);
  switch (kind) {
    case "protocol":
      need(body, "minReaderVersion", "number", kind, fail);
      need(body, "minWriterVersion", "number", kind, fail);
      return { protocol: body as never };
    case "metaData":
      need(body, "id", "string", kind, fail);
      need(body, "schemaString", "string", kind, fail);
      if (!Array.isArray(body.partitionColumns)) throw fail("metaData.partitionColumns is not an array");
      return {
        metaData: {
          ...body,
          format: isObject(body.format) ? body.format : { provider: "parquet", options: {} },
          configuration: isObject(body.configuration) ? body.configuration : {},
        } as never,
      };
    case "add":
      need(body, "path", "string", kind, fail);
      need(body, "size", "number", kind, fail);
      need(body, "modificationTime", "number", kind, fail);
      need(body, "dataChange", "boolean", kind, fail);
      if (!isObject(body.partitionValues)) throw fail("add.partitionValues is not an object");
      checkDeletionVector(body, kind, fail);
      return { add: body as never };
    case "remove":
      need(body, "path", "string", kind, fail);
      checkDeletionVector(body, kind, fail);
      return { remove: { ...body, dataChange: body.dataChange !== false } as never };
    case "txn":
      need(body, "appId", "string", kind, fail);
      need(body, "version", "number", kind, fail);
      return { txn: body as never };
    case "commitInfo":
      return { commitInfo: body };
    default:
      return undefined;
  }
}

function checkDeletionVector(body: Record<string, unknown>, kind: string, fail: Fail): void {
  const dv = body.deletionVector;
  if (dv === undefined || dv === null) return;
  const problem = descriptorProblem(dv);
  if (problem !== undefined) throw fail(`${kind}.deletionVector ${problem}`);
  // A checkpoint row has every struct field: an inline DV's absent offset comes back as null.
  if ((dv as { offset?: unknown }).offset === null) delete (dv as { offset?: unknown }).offset;
}

function need(body: Record<string, unknown>, field: string, type: string, kind: string, fail: Fail): void {
  if (typeof body[field] !== type) throw fail(`${kind}.${field} is not a ${type}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
