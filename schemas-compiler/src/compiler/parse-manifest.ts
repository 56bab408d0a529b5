// Reads an entity's manifest: `interface XManifest extends Manifest { owner: Team.T; status: EntityState.S }`.
// An owner that is missing or not a member of the closed Team enum is reported under OWNER_REQUIRED.

import type { EntityStatus } from "@facsimile/schemas";
import type { InterfaceDeclaration } from "ts-morph";
import type { SourceLocation } from "./model.js";

type TsMorph = typeof import("ts-morph");
type Report = (at: SourceLocation, code: string, message: string, hint: string, rule?: string) => void;

export interface ParsedManifest {
  readonly owner: string | undefined;
  readonly status: EntityStatus;
}

const STATUSES: readonly string[] = ["ACTIVE", "DEPRECATED"];

export function parseManifest(
  tsm: TsMorph,
  decl: InterfaceDeclaration,
  at: SourceLocation,
  teams: readonly string[],
  report: Report,
): ParsedManifest {
  const name = decl.getName();
  let owner: string | undefined;
  let status: EntityStatus | undefined;
  let sawOwner = false;
  const teamHint = `use one of Team.${teams.join(", Team.")} (or add the team to schemas/entities/team.ts)`;
  for (const member of decl.getMembers()) {
    const memberAt = { file: at.file, line: member.getStartLineNumber() };
    const prop = tsm.Node.isPropertySignature(member) ? member : undefined;
    const key = prop?.getName();
    const typeNode = prop?.getTypeNode();
    const qualified =
      typeNode !== undefined && tsm.Node.isTypeReference(typeNode) ? typeNode.getTypeName().getText() : "";
    const [ns, value] = qualified.split(".");
    if (key === "owner") {
      sawOwner = true;
      if (ns !== "Team" || value === undefined) {
        report(memberAt, "INVALID_OWNER", `${name}.owner must be a Team member`, teamHint, "OWNER_REQUIRED");
      } else if (!teams.includes(value)) {
        report(
          memberAt,
          "UNKNOWN_TEAM",
          `unknown team \`Team.${value}\` in ${name}`,
          teamHint,
          "OWNER_REQUIRED",
        );
      } else {
        owner = value;
      }
    } else if (key === "status") {
      if (ns !== "EntityState" || value === undefined || !STATUSES.includes(value)) {
        report(
          memberAt,
          "INVALID_STATUS",
          `${name}.status must be EntityState.ACTIVE or EntityState.DEPRECATED`,
          "write `status: EntityState.ACTIVE`",
        );
      } else {
        status = value as EntityStatus;
      }
    } else {
      report(
        memberAt,
        "UNSUPPORTED_MEMBER",
        `\`${member.getText().split("\n")[0]}\` in manifest ${name}`,
        "a manifest holds exactly `owner` and `status`",
      );
    }
  }
  if (!sawOwner) {
    report(
      at,
      "MISSING_OWNER",
      `manifest ${name} has no owner`,
      `add \`owner: Team.<TEAM>\`; ${teamHint}`,
      "OWNER_REQUIRED",
    );
  }
  if (status === undefined && !decl.getProperty("status")) {
    report(at, "INVALID_STATUS", `manifest ${name} has no status`, "add `status: EntityState.ACTIVE`");
  }
  return { owner, status: status ?? "ACTIVE" };
}
