// Reads one TS enum of the manifest language: a string enum whose values equal their member names
// (`PUBLIC = "PUBLIC"`), so the plain value, the proto value name and the table value all agree.
import type { EnumDeclaration } from "ts-morph";
import type { ParsedEnum, ParsedEnumValue, SourceLocation } from "./model.js";

type TsMorph = typeof import("ts-morph");
type Report = (at: SourceLocation, code: string, message: string, hint: string) => void;

const VALUE_NAME = /^[A-Z][A-Z0-9_]*$/;

export function parseEnum(tsm: TsMorph, decl: EnumDeclaration, file: string, report: Report): ParsedEnum {
  const name = decl.getName();
  const at = { file, line: decl.getStartLineNumber() };
  const values: ParsedEnumValue[] = [];
  for (const member of decl.getMembers()) {
    const memberAt = { file, line: member.getStartLineNumber() };
    const valueName = member.getName();
    const init = member.getInitializer();
    if (!VALUE_NAME.test(valueName)) {
      report(
        memberAt,
        "INVALID_NAME",
        `enum value \`${name}.${valueName}\` is not UPPER_SNAKE_CASE`,
        `rename it, e.g. ${valueName.toUpperCase()}`,
      );
      continue;
    }
    if (valueName === "UNSPECIFIED") {
      report(
        memberAt,
        "INVALID_NAME",
        `enum value \`${name}.UNSPECIFIED\` is reserved`,
        "the compiler adds the zero value <ENUM>_UNSPECIFIED itself: remove or rename this member",
      );
      continue;
    }
    if (init === undefined || !tsm.Node.isStringLiteral(init) || init.getLiteralValue() !== valueName) {
      report(
        memberAt,
        "INVALID_ENUM",
        `enum value \`${name}.${valueName}\` must be the string "${valueName}"`,
        `write \`${valueName} = "${valueName}"\`: enum numbers come from the lockfile, never from the source`,
      );
      continue;
    }
    const deprecated = member
      .getJsDocs()
      .some((d) => d.getTags().some((t) => t.getTagName() === "deprecated"));
    values.push({ ...memberAt, name: valueName, deprecated });
  }
  if (values.length === 0 && decl.getMembers().length === 0) {
    report(at, "INVALID_ENUM", `enum \`${name}\` has no values`, "add at least one value");
  }
  return { name, ...at, values };
}
