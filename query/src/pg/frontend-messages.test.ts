// Client frames arrive in any chunking: the reader hands out whole messages only.
import { describe, expect, it } from "vitest";
import {
  FrameReader,
  PROTOCOL_V3,
  ProtocolViolation,
  readBind,
  SSL_REQUEST_CODE,
} from "./frontend-messages.js";

function startup(params: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(params).flatMap(([k, v]) => [Buffer.from(`${k}\0${v}\0`)]),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(PROTOCOL_V3, 4);
  return Buffer.concat([head, body]);
}

function typed(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

describe("FrameReader", () => {
  it("reads an SSLRequest, a startup message and typed messages split at every byte", () => {
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(SSL_REQUEST_CODE, 4);
    const bytes = Buffer.concat([
      ssl,
      startup({ user: "acme", database: "x" }),
      typed("Q", Buffer.from("SELECT 1\0")),
    ]);
    const reader = new FrameReader(1 << 20);
    const seen: unknown[] = [];
    for (const byte of bytes) {
      reader.push(Buffer.from([byte]));
      const m = seen.length < 2 ? reader.nextStartup() : reader.next();
      if (m !== undefined) seen.push(m);
    }
    expect(seen[0]).toEqual({ kind: "ssl-request" });
    expect(seen[1]).toEqual({ kind: "startup", parameters: { user: "acme", database: "x" } });
    expect(seen[2]).toMatchObject({ type: "Q" });
  });

  it("refuses a frame over the size limit", () => {
    const reader = new FrameReader(64);
    reader.push(typed("Q", Buffer.alloc(100)));
    expect(() => reader.next()).toThrow(ProtocolViolation);
  });

  it("reads a Bind with text values and NULLs", () => {
    const body = Buffer.concat([
      Buffer.from("p1\0s1\0"),
      Buffer.from([0, 0]), // no parameter formats: text
      Buffer.from([0, 2]),
      Buffer.from([0, 0, 0, 2]),
      Buffer.from("ab"),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0, 0]),
    ]);
    expect(readBind(body)).toEqual({
      portal: "p1",
      statement: "s1",
      values: ["ab", null],
      binaryParameters: false,
      binaryResults: false,
    });
  });
});
