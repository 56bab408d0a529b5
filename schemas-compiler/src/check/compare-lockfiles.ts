// Compares the base lockfile with the working tree's: the lockfile only grows. Every entry of the base is
// still there with the same number (live or retired), retired entries stay retired, cursors never move
// back, entity type ids never change. Pure: works on parsed lockfiles and the head's text for line numbers.
import { type Lockfile, lineOf } from "../compiler/lockfile.js";
import type { Retired } from "../compiler/model.js";
import type { Finding, RuleId } from "./rules.js";

interface Table {
  readonly next: number;
  readonly live: Readonly<Record<string, number>>;
  readonly retired: readonly Retired[];
}

function tables(lock: Lockfile, entity: string): Map<string, Table> {
  const e = lock.entities[entity];
  const out = new Map<string, Table>();
  if (e === undefined) return out;
  for (const [name, t] of Object.entries(e.messages))
    out.set(name, { next: t.next, live: t.fields, retired: t.retired });
  for (const [name, t] of Object.entries(e.enums))
    out.set(`enum ${name}`, { next: t.next, live: t.values, retired: t.retired });
  return out;
}

/** `file`: the head lockfile's path relative to the repository root. */
export function compareLockfiles(base: Lockfile, head: Lockfile, headText: string, file: string): Finding[] {
  const out: Finding[] = [];
  const add = (
    rule: RuleId,
    entity: string | undefined,
    field: string | undefined,
    line: number,
    message: string,
  ) =>
    out.push({
      rule,
      ...(entity === undefined ? {} : { entity }),
      ...(field === undefined ? {} : { field }),
      message,
      hint: "never edit the lockfile by hand: restore it from the base and run `facsimile schemas compile`",
      file,
      line,
    });
  if (head.nextEntityType < base.nextEntityType) {
    add(
      "LOCKFILE_APPEND_ONLY",
      undefined,
      undefined,
      lineOf(headText, '"nextEntityType"'),
      `nextEntityType moved back from ${base.nextEntityType} to ${head.nextEntityType}`,
    );
  }
  for (const [entity, be] of Object.entries(base.entities)) {
    const he = head.entities[entity];
    const entityLine = lineOf(headText, `"${entity}"`);
    if (he === undefined) {
      add(
        "LOCKFILE_APPEND_ONLY",
        entity,
        undefined,
        1,
        `entity ${entity} (type ${be.entityType}) disappeared from the lockfile`,
      );
      continue;
    }
    if (he.entityType !== be.entityType) {
      add(
        "ENTITY_TYPE_STABLE",
        entity,
        undefined,
        entityLine,
        `entity ${entity} changed entity_type from ${be.entityType} to ${he.entityType}`,
      );
    }
    const headTables = tables(head, entity);
    for (const [name, bt] of tables(base, entity)) {
      const display = name.replace(/^enum /, "");
      const fieldOf = (n: string) => (display === entity ? n : `${display}.${n}`);
      const ht = headTables.get(name);
      if (ht === undefined) {
        add(
          "LOCKFILE_APPEND_ONLY",
          entity,
          undefined,
          entityLine,
          `${entity}: ${name} disappeared from the lockfile`,
        );
        continue;
      }
      if (ht.next < bt.next) {
        add(
          "LOCKFILE_APPEND_ONLY",
          entity,
          undefined,
          entityLine,
          `${entity}.${display}: cursor moved back from ${bt.next} to ${ht.next}`,
        );
      }
      const headRetired = new Set(ht.retired.map((r) => `${r.name}=${r.number}`));
      for (const r of bt.retired) {
        if (headRetired.has(`${r.name}=${r.number}`)) continue;
        add(
          "RETIRED_NO_DELETE",
          entity,
          fieldOf(r.name),
          entityLine,
          `${entity}.${display}: retired \`${r.name}\` = ${r.number} was deleted from the lockfile`,
        );
      }
      for (const [n, number] of Object.entries(bt.live)) {
        if (ht.live[n] === number || headRetired.has(`${n}=${number}`)) continue;
        add(
          "LOCKFILE_APPEND_ONLY",
          entity,
          fieldOf(n),
          lineOf(headText, `"${n}"`, `"${entity}"`),
          `${entity}.${display}: \`${n}\` = ${number} is neither live nor retired any more`,
        );
      }
    }
  }
  return out;
}
