// Errors of the schema registry and the entity codecs. The error base (FacsimileError) is @facsimile/core's.
import { FacsimileError } from "@facsimile/core";

/** An entity name, type id or type url that the registry does not know. */
export class UnknownEntityError extends FacsimileError {
  constructor(what: string, value: string | number) {
    super(
      "UNKNOWN_ENTITY",
      `unknown entity ${what} ${JSON.stringify(value)}: is it in schemas/entities and compiled?`,
      {
        context: { [what]: value },
      },
    );
  }
}

/** A plain value does not fit the entity's schema (wrong type, out of range, unknown field). */
export class EntityValueError extends FacsimileError {
  constructor(entity: string, path: string, problem: string, value: unknown) {
    super("ENTITY_VALUE_INVALID", `${entity}.${path}: ${problem} (got ${describeValue(value)})`, {
      context: { entity, path },
    });
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === "object") return "object";
  return `${typeof value} ${String(value)}`;
}
