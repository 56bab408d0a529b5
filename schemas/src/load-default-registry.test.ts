// The default registry: this repository's entities and the envelope, from the checked-in artefacts.
import { expect, it } from "vitest";
import { loadDefaultRegistry } from "./load-default-registry.js";
import { ENVELOPE_PACKAGE } from "./registry.js";

it("loads the entities, the envelope and the well-known types once", () => {
  const registry = loadDefaultRegistry();
  expect(loadDefaultRegistry()).toBe(registry);
  expect(registry.entities.map((e) => [e.name, e.entityType, e.owner, e.status])).toEqual([
    ["AvocadoQuestion", 1, "AVOCADO", "ACTIVE"],
    ["ConfluencePage", 2, "CONFLUENCE_CONTENT", "ACTIVE"],
    ["JiraIssue", 3, "JIRA_ISSUE_EXTRACTION", "ACTIVE"],
    ["JiraProject", 4, "JIRA_PLATFORM", "ACTIVE"],
  ]);
  expect(registry.entityByType(3)?.typeUrl).toBe("type.googleapis.com/facsimile.entities.v1.JiraIssue");
  const record = registry.message(`${ENVELOPE_PACKAGE}.FacsimileRecord`);
  expect(record.fields.map((f) => [f.name, f.number])).toEqual([
    ["resource_ari", 1],
    ["entity_type", 2],
    ["workspace_id", 3],
    ["version", 4],
    ["generation_watermark", 5],
    ["is_tombstone", 6],
    ["entity", 7],
    ["offload_pointer", 8],
  ]);
  expect(record.oneofs.map((o) => o.name)).toEqual(["payload"]);
  expect(registry.message(`${ENVELOPE_PACKAGE}.OffloadPointer`).fields.map((f) => f.name)).toEqual([
    "uri",
    "sha256",
    "size_bytes",
    "type_url",
  ]);
  const issue = registry.message("facsimile.entities.v1.JiraIssue");
  expect(issue.field.resolvedAt?.proto.proto3Optional).toBe(true);
  expect(issue.field.title?.deprecated).toBe(true);
});
