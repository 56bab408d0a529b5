// The evolution cases of the expand-contract tests: each edits a copy of the base repository the way a
// pull request would, and says which rules must fire (none for a compliant change) and the exit code.
// The same cases feed the buf differential test.
import type { RuleId } from "@facsimile/schemas-compiler";
import { DSL, deleteSource, editLockfile, editSource, type SchemaRepo, writeSource } from "./fixture.js";

export interface EvolutionCase {
  readonly name: string;
  /** Rules that must be among the violations; empty for a compliant change. */
  readonly rules: readonly RuleId[];
  readonly exit: 0 | 1 | 2;
  /** Run `schemas compile` after the edit (what a developer does before pushing). */
  readonly compile: boolean;
  readonly apply: (repo: SchemaRepo) => Promise<void>;
  /** Whether `buf breaking` (WIRE_JSON) flags the compiled change: pins the oracle's own verdict. */
  readonly bufFlags?: boolean;
}

const ORDER = "entities/order.ts";

function entityFile(name: string, team: string, status: string, body: string): string {
  return `${DSL}
import type { Team } from "./team.js";

export interface ${name}Manifest extends Manifest {
  owner: Team.${team};
  status: EntityState.${status};
}

export interface ${name} extends Entity {
${body}}
`;
}

type Spec = Pick<EvolutionCase, "name" | "apply" | "bufFlags">;

const compliant: Spec[] = [
  {
    name: "add a field",
    apply: (r) => editSource(r, ORDER, "  note?: string;", "  note?: string;\n  shippedAt?: Timestamp;"),
  },
  {
    name: "add an entity",
    apply: (r) =>
      writeSource(r, "entities/invoice.ts", entityFile("Invoice", "ALPHA", "ACTIVE", "  id: string;\n")),
  },
  {
    name: "add an enum value",
    apply: (r) =>
      editSource(r, "entities/color.ts", '  GREEN = "GREEN",', '  GREEN = "GREEN",\n  YELLOW = "YELLOW",'),
  },
  {
    name: "add a nested message field",
    apply: (r) => editSource(r, ORDER, "  sku: string;", "  sku: string;\n  gift: boolean;"),
  },
  {
    name: "deprecate a field",
    apply: (r) =>
      editSource(r, ORDER, "  total: Float64;", "  /** @deprecated use lines */\n  total: Float64;"),
  },
  {
    name: "deprecate an entity",
    apply: (r) => editSource(r, "entities/shipment.ts", "EntityState.ACTIVE", "EntityState.DEPRECATED"),
  },
  {
    name: "remove a deprecated field",
    apply: (r) => editSource(r, ORDER, "  /** @deprecated use id */\n  legacyCode: string;\n", ""),
  },
  {
    name: "remove a deprecated nested field",
    apply: (r) => editSource(r, ORDER, "  /** @deprecated use Order.total */\n  oldPrice: Float64;\n", ""),
  },
  { name: "remove a deprecated entity", apply: (r) => deleteSource(r, "entities/legacy.ts") },
  {
    name: "remove a deprecated enum value",
    apply: (r) =>
      editSource(r, "entities/color.ts", '  /** @deprecated nobody ships blue */\n  BLUE = "BLUE",\n', ""),
  },
  {
    name: "reorder fields",
    apply: (r) =>
      editSource(r, ORDER, "  id: string;\n  customer: String;", "  customer: String;\n  id: string;"),
  },
  {
    name: "add a team and hand an entity to it",
    apply: async (r) => {
      await editSource(r, "entities/team.ts", '  BETA = "BETA",', '  BETA = "BETA",\n  GAMMA = "GAMMA",');
      await editSource(r, "entities/customer.ts", "Team.BETA", "Team.GAMMA");
    },
  },
];

export const COMPLIANT: readonly EvolutionCase[] = compliant.map((c) => ({
  ...c,
  rules: [],
  exit: 0,
  compile: true,
}));

const breaking: (Spec & { rules: RuleId[] })[] = [
  {
    name: "remove a field that was not deprecated",
    rules: ["FIELD_DELETE_REQUIRES_DEPRECATED"],
    apply: (r) => editSource(r, ORDER, "  quantity: Int32;\n", ""),
  },
  {
    name: "rename a field (a removal plus an addition)",
    rules: ["FIELD_DELETE_REQUIRES_DEPRECATED"],
    apply: (r) => editSource(r, ORDER, "  customer: String;", "  buyer: String;"),
  },
  {
    name: "remove a nested field that was not deprecated",
    rules: ["FIELD_DELETE_REQUIRES_DEPRECATED"],
    apply: (r) => editSource(r, ORDER, "  count: Int32;\n", ""),
  },
  {
    name: "remove an entity that was not deprecated",
    rules: ["ENTITY_DELETE_REQUIRES_DEPRECATED"],
    apply: (r) => deleteSource(r, "entities/shipment.ts"),
  },
  {
    name: "change a field's type",
    bufFlags: true,
    rules: ["FIELD_SAME_TYPE"],
    apply: (r) => editSource(r, ORDER, "  quantity: Int32;", "  quantity: Float64;"),
  },
  {
    name: "make a string nullable",
    bufFlags: true,
    rules: ["FIELD_SAME_TYPE"],
    apply: (r) => editSource(r, ORDER, "  id: string;", "  id: String;"),
  },
  {
    name: "change a reference into a plain string",
    bufFlags: true,
    rules: ["FIELD_SAME_TYPE"],
    apply: (r) => editSource(r, ORDER, "  customerRef: ComposedBy<Customer>;", "  customerRef: string;"),
  },
  {
    name: "turn an array into a single value",
    bufFlags: true,
    rules: ["FIELD_SAME_CARDINALITY"],
    apply: (r) => editSource(r, ORDER, "  tags: string[];", "  tags: string;"),
  },
  {
    name: "drop the optional marker",
    rules: ["FIELD_SAME_ONEOF"],
    apply: (r) => editSource(r, ORDER, "  note?: string;", "  note: string;"),
  },
  {
    name: "add the optional marker",
    rules: ["FIELD_SAME_ONEOF"],
    apply: (r) => editSource(r, ORDER, "  quantity: Int32;", "  quantity?: Int32;"),
  },
  {
    name: "rename the TS name onto the same proto name",
    bufFlags: true,
    rules: ["FIELD_SAME_JSON_NAME"],
    apply: (r) => editSource(r, ORDER, "  placedAt: Timestamp;", "  placed_at: Timestamp;"),
  },
  {
    name: "reuse the name of a removed field",
    bufFlags: true,
    rules: ["FIELD_NAME_NO_REUSE"],
    apply: (r) => editSource(r, ORDER, "  note?: string;", "  note?: string;\n  discount: Float64;"),
  },
  {
    name: "remove an enum value that was not deprecated",
    rules: ["ENUM_VALUE_DELETE_REQUIRES_DEPRECATED"],
    apply: (r) => editSource(r, "entities/color.ts", '  GREEN = "GREEN",\n', ""),
  },
  {
    name: "bring a deprecated entity back to active",
    rules: ["ENTITY_LIFECYCLE"],
    apply: (r) => editSource(r, "entities/legacy.ts", "EntityState.DEPRECATED", "EntityState.ACTIVE"),
  },
  {
    name: "add a field to a deprecated entity",
    rules: ["ENTITY_LIFECYCLE"],
    apply: (r) => editSource(r, "entities/legacy.ts", "  id: string;", "  id: string;\n  extra: string;"),
  },
  {
    name: "declare a removed entity again",
    rules: ["ENTITY_LIFECYCLE"],
    apply: (r) => writeSource(r, "entities/gone.ts", entityFile("Gone", "BETA", "ACTIVE", "  id: string;\n")),
  },
  {
    name: "rename a nested interface",
    bufFlags: true,
    rules: ["FIELD_SAME_TYPE"],
    apply: async (r) => {
      await editSource(r, ORDER, "export interface OrderLine {", "export interface OrderItem {");
      await editSource(r, ORDER, "  lines: OrderLine[];", "  lines: OrderItem[];");
    },
  },
  {
    name: "add an entity that starts deprecated",
    rules: ["ENTITY_LIFECYCLE"],
    apply: (r) =>
      writeSource(r, "entities/late.ts", entityFile("Late", "ALPHA", "DEPRECATED", "  id: string;\n")),
  },
  {
    name: "swap two field numbers in the lockfile",
    bufFlags: true,
    rules: ["FIELD_NUMBER_STABLE", "FIELD_NUMBER_NO_REUSE", "LOCKFILE_APPEND_ONLY"],
    apply: (r) =>
      editLockfile(r, (lock) => {
        const fields = lock.entities.Order?.messages.Order?.fields;
        if (fields === undefined) throw new Error("fixture has no Order");
        const id = fields.id ?? 0;
        fields.id = fields.customer ?? 0;
        fields.customer = id;
      }),
  },
  {
    name: "give a new field a retired number",
    bufFlags: true,
    rules: ["FIELD_NUMBER_NO_REUSE", "RETIRED_NO_DELETE"],
    apply: async (r) => {
      await editSource(r, ORDER, "  note?: string;", "  note?: string;\n  rebate: Float64;");
      await editLockfile(r, (lock) => {
        const order = lock.entities.Order?.messages.Order;
        const retired = order?.retired.find((x) => x.name === "discount");
        if (order === undefined || retired === undefined) throw new Error("fixture has no retired discount");
        order.fields.rebate = retired.number;
        order.retired = order.retired.filter((x) => x !== retired);
      });
    },
  },
  {
    name: "delete a retired number from the lockfile",
    bufFlags: true,
    rules: ["RETIRED_NO_DELETE"],
    apply: (r) =>
      editLockfile(r, (lock) => {
        const order = lock.entities.Order?.messages.Order;
        if (order === undefined) throw new Error("fixture has no Order");
        order.retired = [];
      }),
  },
  {
    name: "drop a removed entity from the lockfile",
    rules: ["LOCKFILE_APPEND_ONLY"],
    apply: (r) =>
      editLockfile(r, (lock) => {
        delete lock.entities.Gone;
      }),
  },
  {
    name: "change an entity type id",
    rules: ["ENTITY_TYPE_STABLE"],
    apply: (r) =>
      editLockfile(r, (lock) => {
        const customer = lock.entities.Customer;
        if (customer === undefined) throw new Error("fixture has no Customer");
        customer.entityType = 99;
        lock.nextEntityType = 100;
      }),
  },
  {
    name: "swap two enum value numbers",
    bufFlags: true,
    rules: ["ENUM_VALUE_STABLE"],
    apply: (r) =>
      editLockfile(r, (lock) => {
        const values = lock.entities.Order?.enums.Color?.values;
        if (values === undefined) throw new Error("fixture has no Order.Color");
        const red = values.RED ?? 0;
        values.RED = values.GREEN ?? 0;
        values.GREEN = red;
      }),
  },
];

export const BREAKING: readonly EvolutionCase[] = breaking.map((c) => ({ ...c, exit: 1, compile: true }));

/** Cases where the developer did not (or could not) run compile. */
export const UNCOMPILED: readonly EvolutionCase[] = [
  {
    name: "add a field without compiling",
    rules: ["GENERATED_UP_TO_DATE"],
    exit: 1,
    compile: false,
    apply: (r) => editSource(r, ORDER, "  note?: string;", "  note?: string;\n  shippedAt?: Timestamp;"),
  },
  {
    name: "name an unknown team",
    rules: ["OWNER_REQUIRED"],
    exit: 1,
    compile: false,
    apply: (r) => editSource(r, "entities/customer.ts", "Team.BETA", "Team.OMEGA"),
  },
  {
    name: "drop a manifest",
    rules: ["OWNER_REQUIRED"],
    exit: 1,
    compile: false,
    apply: (r) =>
      editSource(
        r,
        "entities/shipment.ts",
        "export interface ShipmentManifest extends Manifest {\n  owner: Team.ALPHA;\n  status: EntityState.ACTIVE;\n}\n",
        "",
      ),
  },
  {
    name: "keep a retired number live as well",
    rules: ["FIELD_NUMBER_NO_REUSE"],
    exit: 1,
    compile: false,
    apply: async (r) => {
      await editSource(r, ORDER, "  note?: string;", "  note?: string;\n  rebate: Float64;");
      await editLockfile(r, (lock) => {
        const order = lock.entities.Order?.messages.Order;
        const retired = order?.retired.find((x) => x.name === "discount");
        if (order === undefined || retired === undefined) throw new Error("fixture has no retired discount");
        order.fields.rebate = retired.number;
      });
    },
  },
  {
    name: "move the entity type cursor back",
    rules: ["LOCKFILE_APPEND_ONLY"],
    exit: 1,
    compile: false,
    apply: (r) =>
      editLockfile(r, (lock) => {
        lock.nextEntityType = 3;
      }),
  },
  {
    name: "use a bare number",
    rules: [],
    exit: 2,
    compile: false,
    apply: (r) => editSource(r, ORDER, "  quantity: Int32;", "  quantity: number;"),
  },
];

export const ALL_CASES: readonly EvolutionCase[] = [...COMPLIANT, ...BREAKING, ...UNCOMPILED];
