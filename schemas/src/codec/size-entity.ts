// Plain producer value -> protobuf bytes of an entity in two passes over the value, with no intermediate
// messages: sizeEntity checks the value (the same rules and errors as encodeEntity) and measures it, keeping
// the lengths of strings and nested messages; the result writes itself into any buffer at any offset, so that
// the envelope around it is written into the same single buffer. The bytes are exactly encodeEntity's
// (protobuf-es toBinary: fields by number, proto3 zero values omitted, numeric lists packed); codec.test.ts
// proves it on random values. The fast path is a measure and a write function generated once per entity schema
// (compile-entity-codec.ts); a value it refuses goes through the field plans (size-entity-plan.ts, value codecs in
// size-entity-values.ts), which say what is wrong and where, and are the reference the fast path is tested against.

import { EntityValueError } from "../errors.js";
import type { SchemaRegistry } from "../registry.js";
import { type CompiledEntityCodec, compileEntityCodec } from "./compile-entity-codec.js";
import { encodeEntity } from "./encode-entity.js";
import { resolveEntity } from "./resolve-entity.js";
import { type MessagePlan, measureFields, planOf, writeFields } from "./size-entity-plan.js";
import { fail, isObject } from "./size-entity-values.js";
import { asBuffer } from "./wire-writer.js";

/** An entity measured by sizeEntity: its exact byte length, and a writer of those bytes. */
export interface SizedEntity {
  readonly byteLength: number;
  /** Writes the entity bytes at `offset`; returns the offset after them. */
  writeInto(target: Uint8Array, offset: number): number;
  /** The entity bytes in a buffer of their own. */
  toBytes(): Uint8Array;
}
class MeasuredEntity implements SizedEntity {
  constructor(
    private readonly plan: MessagePlan,
    private readonly value: Readonly<Record<string, unknown>>,
    private readonly lengths: number[],
    readonly byteLength: number,
  ) {}

  writeInto(target: Uint8Array, offset: number): number {
    const end = writeFields(this.plan, asBuffer(target), offset, this.value, { list: this.lengths, next: 0 });
    if (end !== offset + this.byteLength) {
      // The value changed between measuring and writing (it is the caller's object): never emit torn bytes.
      throw new EntityValueError(
        this.plan.entity,
        "(value)",
        "changed while it was being encoded",
        undefined,
      );
    }
    return end;
  }

  toBytes(): Uint8Array {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeInto(out, 0);
    return out;
  }
}

class CompiledEntity implements SizedEntity {
  constructor(
    private readonly codec: CompiledEntityCodec,
    private readonly entity: string,
    private readonly value: Readonly<Record<string, unknown>>,
    private readonly lengths: number[],
    readonly byteLength: number,
  ) {}

  writeInto(target: Uint8Array, offset: number): number {
    const end = this.codec.write(asBuffer(target), offset, this.value, { list: this.lengths, next: 0 });
    if (end !== offset + this.byteLength) {
      throw new EntityValueError(this.entity, "(value)", "changed while it was being encoded", undefined);
    }
    return end;
  }

  toBytes(): Uint8Array {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeInto(out, 0);
    return out;
  }
}

/**
 * Checks and measures an entity value; the result writes encodeEntity's exact bytes wherever it is told.
 * Throws EntityValueError (what is wrong and where) and UnknownEntityError, like encodeEntity.
 */
export function sizeEntity(registry: SchemaRegistry, nameOrTypeUrl: string, value: object): SizedEntity {
  const { info, desc } = resolveEntity(registry, nameOrTypeUrl);
  if (isObject(value)) {
    const codec = compileEntityCodec(desc);
    const lengths: number[] = [];
    let byteLength = -1;
    try {
      byteLength = codec.measure(value, lengths);
    } catch {
      // Refused (or anything unexpected): the field plans decide, with the error that says what is wrong.
    }
    if (byteLength >= 0) return new CompiledEntity(codec, info.name, value, lengths, byteLength);
  }
  return sizeEntityByPlan(registry, nameOrTypeUrl, value);
}

/**
 * sizeEntity for a value that the generated zod validator of the entity takes as it is (see compileEntityCodec's
 * strict codecs), in one pass; undefined for any other value, which the caller then checks the slow way for its
 * issues. The producer's hot path with validation on.
 */
export function sizeEntityStrict(
  registry: SchemaRegistry,
  nameOrTypeUrl: string,
  value: unknown,
): SizedEntity | undefined {
  const { info, desc } = resolveEntity(registry, nameOrTypeUrl);
  if (!isObject(value)) return undefined;
  const codec = compileEntityCodec(desc, true);
  const lengths: number[] = [];
  try {
    return new CompiledEntity(codec, info.name, value, lengths, codec.measure(value, lengths));
  } catch {
    return undefined;
  }
}

/** sizeEntity through the field plans only: the reference of the compiled codecs (and their fallback). */
export function sizeEntityByPlan(
  registry: SchemaRegistry,
  nameOrTypeUrl: string,
  value: object,
): SizedEntity {
  const { info, desc } = resolveEntity(registry, nameOrTypeUrl);
  if (!isObject(value)) fail(info.name, "(value)", "expected an object", value);
  const plan = planOf(info.name, desc);
  const lengths: number[] = [];
  try {
    const byteLength = measureFields(plan, value, "", { list: lengths, next: 0 });
    return new MeasuredEntity(plan, value, lengths, byteLength);
  } catch (err) {
    // The measuring pass builds no field paths (they would be garbage for every good value): a bad value goes
    // through encodeEntity, whose checks are the same, for the error with its full path.
    if (err instanceof EntityValueError) encodeEntity(registry, info.name, value);
    throw err;
  }
}
