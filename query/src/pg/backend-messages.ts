// Serializes the server side of PostgreSQL protocol v3: authentication requests, parameter status, row
// descriptions and data rows in text format, command tags, errors and notices with SQLSTATE fields. Pure
// encoding: each function returns one framed message.

/** A frame: type byte, int32 length (counting itself), body. */
function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstring(value: string): Buffer {
  return Buffer.concat([Buffer.from(value, "utf8"), Buffer.from([0])]);
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

function int16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
}

export const authenticationOk = (): Buffer => frame("R", int32(0));
export const authenticationCleartextPassword = (): Buffer => frame("R", int32(3));

/** AuthenticationSASL listing the mechanisms offered. */
export function authenticationSasl(mechanisms: readonly string[]): Buffer {
  return frame("R", Buffer.concat([int32(10), ...mechanisms.map(cstring), Buffer.from([0])]));
}

export const authenticationSaslContinue = (data: string): Buffer =>
  frame("R", Buffer.concat([int32(11), Buffer.from(data, "utf8")]));

export const authenticationSaslFinal = (data: string): Buffer =>
  frame("R", Buffer.concat([int32(12), Buffer.from(data, "utf8")]));

export const parameterStatus = (name: string, value: string): Buffer =>
  frame("S", Buffer.concat([cstring(name), cstring(value)]));

export const backendKeyData = (processId: number, secretKey: number): Buffer =>
  frame("K", Buffer.concat([int32(processId), int32(secretKey)]));

/** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
export const readyForQuery = (status: "I" | "T" | "E"): Buffer => frame("Z", Buffer.from(status, "latin1"));

export interface FieldDescription {
  readonly name: string;
  readonly typeOid: number;
  /** pg_type.typlen: -1 for variable length. */
  readonly typeSize: number;
}

export function rowDescription(fields: readonly FieldDescription[]): Buffer {
  const parts: Buffer[] = [int16(fields.length)];
  for (const f of fields)
    parts.push(cstring(f.name), int32(0), int16(0), int32(f.typeOid), int16(f.typeSize), int32(-1), int16(0));
  return frame("T", Buffer.concat(parts));
}

/** One row, each value as text (null for SQL NULL). */
export function dataRow(values: readonly (string | null)[]): Buffer {
  const parts: Buffer[] = [int16(values.length)];
  for (const v of values) {
    if (v === null) parts.push(int32(-1));
    else {
      const bytes = Buffer.from(v, "utf8");
      parts.push(int32(bytes.length), bytes);
    }
  }
  return frame("D", Buffer.concat(parts));
}

export const commandComplete = (tag: string): Buffer => frame("C", cstring(tag));
export const emptyQueryResponse = (): Buffer => frame("I", Buffer.alloc(0));
export const parseComplete = (): Buffer => frame("1", Buffer.alloc(0));
export const bindComplete = (): Buffer => frame("2", Buffer.alloc(0));
export const closeComplete = (): Buffer => frame("3", Buffer.alloc(0));
export const noData = (): Buffer => frame("n", Buffer.alloc(0));
export const portalSuspended = (): Buffer => frame("s", Buffer.alloc(0));

export function parameterDescription(typeOids: readonly number[]): Buffer {
  return frame("t", Buffer.concat([int16(typeOids.length), ...typeOids.map(int32)]));
}

export interface ErrorFields {
  readonly severity: "ERROR" | "FATAL" | "NOTICE" | "WARNING";
  /** Five-character SQLSTATE. */
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

function fields(e: ErrorFields): Buffer {
  const parts = [
    Buffer.from("S", "latin1"),
    cstring(e.severity),
    Buffer.from("V", "latin1"),
    cstring(e.severity),
    Buffer.from("C", "latin1"),
    cstring(e.code),
    Buffer.from("M", "latin1"),
    cstring(e.message),
  ];
  if (e.detail !== undefined) parts.push(Buffer.from("D", "latin1"), cstring(e.detail));
  if (e.hint !== undefined) parts.push(Buffer.from("H", "latin1"), cstring(e.hint));
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export const errorResponse = (e: ErrorFields): Buffer => frame("E", fields(e));
export const noticeResponse = (e: ErrorFields): Buffer => frame("N", fields(e));
