// Errors of the schema registry. The error base (FacsimileError) is @facsimile/core's.
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
