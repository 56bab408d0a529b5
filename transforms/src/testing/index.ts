// @facsimile/transforms/testing: test support. Sample records as ingest lands them in the sink.
export {
  avocadoQuestion,
  entityRecord,
  jiraIssue,
  type RecordMeta,
  tombstoneRecord,
} from "./sample-records.js";
