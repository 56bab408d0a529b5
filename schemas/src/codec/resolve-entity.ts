// Finds an entity's message descriptor by entity name, type url or fully-qualified message name, and maps
// enum values between their plain names (PUBLIC) and proto numbers (CLASSIFICATION_PUBLIC = 1).
import type { DescEnum, DescMessage } from "@bufbuild/protobuf";
import { toUpperSnakeCase } from "../names.js";
import type { EntityInfo, SchemaRegistry } from "../registry.js";
import { ENTITY_PACKAGE } from "../registry.js";

export function resolveEntity(
  registry: SchemaRegistry,
  nameOrTypeUrl: string,
): { info: EntityInfo; desc: DescMessage } {
  const info =
    registry.entityByTypeUrl(nameOrTypeUrl) ??
    (nameOrTypeUrl.startsWith(`${ENTITY_PACKAGE}.`)
      ? registry.entity(nameOrTypeUrl.slice(ENTITY_PACKAGE.length + 1))
      : registry.entity(nameOrTypeUrl));
  return { info, desc: registry.message(info.messageName) };
}

export interface EnumNames {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

const enumCache = new WeakMap<DescEnum, EnumNames>();

/** Plain names are the proto value names without the `<ENUM>_` prefix; 0 is UNSPECIFIED. */
export function enumNames(desc: DescEnum): EnumNames {
  let names = enumCache.get(desc);
  if (names === undefined) {
    const prefix = `${toUpperSnakeCase(desc.name)}_`;
    const byName = new Map<string, number>();
    const byNumber = new Map<number, string>();
    for (const v of desc.values) {
      const plain = v.name.startsWith(prefix) ? v.name.slice(prefix.length) : v.name;
      byName.set(plain, v.number);
      byNumber.set(v.number, plain);
    }
    names = { byName, byNumber };
    enumCache.set(desc, names);
  }
  return names;
}
