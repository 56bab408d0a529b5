// CI regenerates and fails on any diff (GENERATED_UP_TO_DATE): a fresh compile of schemas/entities with the
// committed lockfile must equal the checked-in schemas/gen, schemas/src/generated and the lockfile, byte for byte.
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { compileSchemasDir } from "./compiler/compile-dir.js";

it("the checked-in generated files are what `facsimile schemas compile` writes", async () => {
  const schemasDir = fileURLToPath(new URL("../../schemas/", import.meta.url));
  const { differences, compiled } = await compileSchemasDir(schemasDir, { check: true });
  expect(differences, "run `node cli/dist/main.js schemas compile` and commit the result").toEqual([]);
  expect(compiled.model.entities.map((e) => e.name)).toEqual([
    "AvocadoQuestion",
    "ConfluencePage",
    "JiraIssue",
    "JiraProject",
  ]);
});
