// Resolves the parsed schema against the lockfile: every (entity, message, field) keeps the number it
// already has; a new name gets the message's `next` number; a name gone from the sources moves to `retired`.
// Numbers never follow declaration order and a retired number is never handed out again.
// Pure: returns the model and the grown lockfile, and never mutates its input.
import type { LockEntity, LockEnum, Lockfile, LockMessage } from "./lockfile.js";
import { PROTO_MAX_FIELD_NUMBER, PROTO_RESERVED_RANGE } from "./lockfile.js";
import type {
  NumberedEntity,
  NumberedEnum,
  NumberedMessage,
  ParsedEntity,
  ParsedSchema,
  Retired,
  SchemaModel,
} from "./model.js";

interface Table {
  next: number;
  active: Map<string, number>;
  retired: Retired[];
}

function toTable(next: number, active: Readonly<Record<string, number>>, retired: readonly Retired[]): Table {
  return { next, active: new Map(Object.entries(active)), retired: retired.map((r) => ({ ...r })) };
}

function take(t: Table, name: string, isField: boolean): number {
  const have = t.active.get(name);
  if (have !== undefined) return have;
  let n = t.next;
  if (isField && n >= PROTO_RESERVED_RANGE.start && n <= PROTO_RESERVED_RANGE.end)
    n = PROTO_RESERVED_RANGE.end + 1;
  if (isField && n > PROTO_MAX_FIELD_NUMBER) throw new RangeError(`field numbers exhausted at ${name}`);
  t.next = n + 1;
  t.active.set(name, n);
  return n;
}

/** Moves every active name not in `keep` to retired. */
function retireAllBut(t: Table, keep: ReadonlySet<string>): void {
  for (const [name, number] of [...t.active]) {
    if (keep.has(name)) continue;
    t.active.delete(name);
    t.retired.push({ name, number });
  }
  t.retired.sort((a, b) => a.number - b.number);
}

const fromEntries = (t: Table): Record<string, number> =>
  Object.fromEntries([...t.active].sort(([, a], [, b]) => a - b));

const toLockMessage = (t: Table): LockMessage => ({
  next: t.next,
  fields: fromEntries(t),
  retired: t.retired,
});
const toLockEnum = (t: Table): LockEnum => ({ next: t.next, values: fromEntries(t), retired: t.retired });

export function assignNumbers(
  parsed: ParsedSchema,
  lock: Lockfile,
): { model: SchemaModel; lockfile: Lockfile } {
  let nextEntityType = lock.nextEntityType;
  const lockEntities: Record<string, LockEntity> = { ...lock.entities };
  const entities: NumberedEntity[] = [];
  const present = new Set(parsed.entities.map((e) => e.name));

  for (const entity of parsed.entities) {
    const prior = lock.entities[entity.name];
    const entityType = prior?.entityType ?? nextEntityType++;
    const { numbered, locked } = numberEntity(entity, entityType, prior);
    entities.push(numbered);
    lockEntities[entity.name] = locked;
  }
  for (const [name, prior] of Object.entries(lock.entities)) {
    if (present.has(name) || prior.removed === true) continue;
    lockEntities[name] = retireEntity(prior);
  }
  return {
    model: { entities, teams: parsed.teams },
    lockfile: { version: 1, nextEntityType, entities: lockEntities },
  };
}

function numberEntity(
  entity: ParsedEntity,
  entityType: number,
  prior: LockEntity | undefined,
): { numbered: NumberedEntity; locked: LockEntity } {
  const messageTables = new Map<string, Table>(
    Object.entries(prior?.messages ?? {}).map(([k, t]) => [k, toTable(t.next, t.fields, t.retired)]),
  );
  const enumTables = new Map<string, Table>(
    Object.entries(prior?.enums ?? {}).map(([k, t]) => [k, toTable(t.next, t.values, t.retired)]),
  );
  const messages: NumberedMessage[] = entity.messages.map((m) => {
    let t = messageTables.get(m.name);
    if (t === undefined) {
      t = toTable(1, {}, []);
      messageTables.set(m.name, t);
    }
    const table = t;
    const fields = m.fields.map((f) => ({ ...f, number: take(table, f.protoName, true) }));
    retireAllBut(table, new Set(m.fields.map((f) => f.protoName)));
    return { ...m, fields, retired: [...table.retired] };
  });
  const enums: NumberedEnum[] = entity.enums.map((e) => {
    let t = enumTables.get(e.name);
    if (t === undefined) {
      t = toTable(1, {}, []);
      enumTables.set(e.name, t);
    }
    const table = t;
    const values = e.values.map((v) => ({ ...v, number: take(table, v.name, false) }));
    retireAllBut(table, new Set(e.values.map((v) => v.name)));
    return { ...e, values, retired: [...table.retired] };
  });
  // Nested messages and enums no longer reached keep their entries, with every number retired.
  const usedMessages = new Set(entity.messages.map((m) => m.name));
  const usedEnums = new Set(entity.enums.map((e) => e.name));
  for (const [name, t] of messageTables) if (!usedMessages.has(name)) retireAllBut(t, new Set());
  for (const [name, t] of enumTables) if (!usedEnums.has(name)) retireAllBut(t, new Set());
  const { messages: _m, enums: _e, ...rest } = entity;
  return {
    numbered: { ...rest, entityType, messages, enums },
    locked: {
      entityType,
      messages: Object.fromEntries([...messageTables].map(([k, t]) => [k, toLockMessage(t)])),
      enums: Object.fromEntries([...enumTables].map(([k, t]) => [k, toLockEnum(t)])),
    },
  };
}

function retireEntity(prior: LockEntity): LockEntity {
  const messages = Object.fromEntries(
    Object.entries(prior.messages).map(([k, m]) => {
      const t = toTable(m.next, m.fields, m.retired);
      retireAllBut(t, new Set());
      return [k, toLockMessage(t)];
    }),
  );
  const enums = Object.fromEntries(
    Object.entries(prior.enums).map(([k, e]) => {
      const t = toTable(e.next, e.values, e.retired);
      retireAllBut(t, new Set());
      return [k, toLockEnum(t)];
    }),
  );
  return { entityType: prior.entityType, removed: true, messages, enums };
}
