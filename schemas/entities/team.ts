// The closed list of teams that own entities. An entity's manifest names exactly one of these;
// add a team here (in its own reviewed change) before an entity can name it.
export enum Team {
  JIRA_PLATFORM = "JIRA_PLATFORM",
  JIRA_ISSUE_EXTRACTION = "JIRA_ISSUE_EXTRACTION",
  CONFLUENCE_CONTENT = "CONFLUENCE_CONTENT",
  AVOCADO = "AVOCADO",
}
