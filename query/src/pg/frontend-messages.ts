// Frames the client side of PostgreSQL protocol v3 into messages: the untyped first message (startup, SSLRequest,
// GSSENCRequest, CancelRequest) and then typed ones (1 byte type, int32 length that counts itself). Decoding
// only: it never answers. A frame over the size limit is a protocol violation, not something to buffer.

export const PROTOCOL_V3 = 196608;
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupMessage =
  | { readonly kind: "startup"; readonly parameters: Readonly<Record<string, string>> }
  | { readonly kind: "ssl-request" }
  | { readonly kind: "gssenc-request" }
  | { readonly kind: "cancel"; readonly processId: number; readonly secretKey: number }
  | { readonly kind: "unsupported-version"; readonly version: number };

export interface TypedMessage {
  /** The message type byte as a character: 'Q', 'P', 'B', 'D', 'E', 'S', 'C', 'H', 'X', 'p'. */
  readonly type: string;
  readonly body: Buffer;
}

export class ProtocolViolation extends Error {}

/** Accumulates socket chunks and hands out whole frames. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageBytes: number) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next untyped (startup-phase) frame, or undefined when it has not fully arrived. */
  nextStartup(): StartupMessage | undefined {
    if (this.buffer.length < 4) return undefined;
    const length = this.buffer.readInt32BE(0);
    if (length < 8 || length > this.maxMessageBytes)
      throw new ProtocolViolation(`invalid startup message length ${length}`);
    if (this.buffer.length < length) return undefined;
    const frame = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    const code = frame.readInt32BE(4);
    if (code === SSL_REQUEST_CODE) return { kind: "ssl-request" };
    if (code === GSSENC_REQUEST_CODE) return { kind: "gssenc-request" };
    if (code === CANCEL_REQUEST_CODE && length >= 16)
      return { kind: "cancel", processId: frame.readInt32BE(8), secretKey: frame.readInt32BE(12) };
    if (code !== PROTOCOL_V3) return { kind: "unsupported-version", version: code };
    const parameters: Record<string, string> = {};
    const fields = new BodyReader(frame.subarray(8));
    for (;;) {
      const key = fields.cstring();
      if (key === "") break;
      parameters[key] = fields.cstring();
    }
    return { kind: "startup", parameters };
  }

  /** The next typed frame, or undefined when it has not fully arrived. */
  next(): TypedMessage | undefined {
    if (this.buffer.length < 5) return undefined;
    const length = this.buffer.readInt32BE(1);
    if (length < 4 || length + 1 > this.maxMessageBytes)
      throw new ProtocolViolation(`invalid message length ${length}`);
    if (this.buffer.length < length + 1) return undefined;
    const type = String.fromCharCode(this.buffer[0] as number);
    const body = this.buffer.subarray(5, length + 1);
    this.buffer = this.buffer.subarray(length + 1);
    return { type, body };
  }
}

/** Reads the fields of one message body; throws ProtocolViolation when the body is shorter than its fields. */
export class BodyReader {
  private offset = 0;

  constructor(private readonly body: Buffer) {}

  cstring(): string {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolViolation("unterminated string in message");
    const value = this.body.toString("utf8", this.offset, end);
    this.offset = end + 1;
    return value;
  }

  int16(): number {
    this.need(2);
    const v = this.body.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  byte(): string {
    this.need(1);
    return String.fromCharCode(this.body[this.offset++] as number);
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.body.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  rest(): Buffer {
    return this.body.subarray(this.offset);
  }

  private need(n: number): void {
    if (this.offset + n > this.body.length) throw new ProtocolViolation("message shorter than its fields");
  }
}

export interface ParseMessage {
  readonly name: string;
  readonly sql: string;
  readonly parameterTypes: readonly number[];
}

export interface BindMessage {
  readonly portal: string;
  readonly statement: string;
  /** Parameter values as text (binary ones are refused); null for SQL NULL. */
  readonly values: readonly (string | null)[];
  readonly binaryParameters: boolean;
  readonly binaryResults: boolean;
}

export function readParse(body: Buffer): ParseMessage {
  const r = new BodyReader(body);
  const name = r.cstring();
  const sql = r.cstring();
  const n = r.int16();
  const parameterTypes: number[] = [];
  for (let i = 0; i < n; i++) parameterTypes.push(r.int32());
  return { name, sql, parameterTypes };
}

export function readBind(body: Buffer): BindMessage {
  const r = new BodyReader(body);
  const portal = r.cstring();
  const statement = r.cstring();
  const formatCount = r.int16();
  const formats: number[] = [];
  for (let i = 0; i < formatCount; i++) formats.push(r.int16());
  const n = r.int16();
  const values: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    const len = r.int32();
    values.push(len < 0 ? null : r.bytes(len).toString("utf8"));
  }
  const resultCount = r.int16();
  const resultFormats: number[] = [];
  for (let i = 0; i < resultCount; i++) resultFormats.push(r.int16());
  return {
    portal,
    statement,
    values,
    binaryParameters: formats.some((f) => f === 1),
    binaryResults: resultFormats.some((f) => f === 1),
  };
}

/** Describe and Close: 'S' (statement) or 'P' (portal), and the name. */
export function readTarget(body: Buffer): { readonly kind: "S" | "P"; readonly name: string } {
  const r = new BodyReader(body);
  const kind = r.byte();
  if (kind !== "S" && kind !== "P") throw new ProtocolViolation(`unknown describe/close target ${kind}`);
  return { kind, name: r.cstring() };
}
