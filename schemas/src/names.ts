// Naming rules shared by the compiler and the codecs: TS names to proto names, proto names to JSON names,
// file names, enum value prefixes. Pure functions; changing any output here renames things on the wire.

/** `issueId` -> `issue_id`, `questionADF` -> `question_adf`, `created_at` -> `created_at`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** `JiraIssue` -> `JIRA_ISSUE`: the prefix of the enum's proto value names. */
export function toUpperSnakeCase(name: string): string {
  return toSnakeCase(name).toUpperCase();
}

/** The JSON name protoc derives from a field name when no `json_name` option is given. */
export function defaultJsonName(protoName: string): string {
  let out = "";
  let upper = false;
  for (const ch of protoName) {
    if (ch === "_") {
      upper = true;
    } else if (upper) {
      out += ch.toUpperCase();
      upper = false;
    } else {
      out += ch;
    }
  }
  return out;
}

/** `JiraIssue` -> `facsimile/entities/v1/jira_issue.proto`. */
export function entityProtoPath(entityName: string): string {
  return `facsimile/entities/v1/${toSnakeCase(entityName)}.proto`;
}

/** The proto name of an enum value: `Classification` + `PUBLIC` -> `CLASSIFICATION_PUBLIC`. */
export function enumValueProtoName(enumName: string, valueName: string): string {
  return `${toUpperSnakeCase(enumName)}_${valueName}`;
}

export function enumZeroValueName(enumName: string): string {
  return `${toUpperSnakeCase(enumName)}_UNSPECIFIED`;
}
