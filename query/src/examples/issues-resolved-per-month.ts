// The seed's analyst query, on facsimile's target tables: issues resolved per month and project (jira_issue
// joined with jira_project on the project's ARI). The one copy of it: the CLI (--example), the tests and the
// demo all take it from here. Months are in the session's time zone (UTC by default).

export interface ExampleQuery {
  /** What `facsimile query --example <name>` takes. */
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

export const ISSUES_RESOLVED_PER_MONTH: ExampleQuery = Object.freeze({
  name: "issues-resolved-per-month",
  description: "issues resolved per month and project (jira_issue joined with jira_project)",
  sql: `SELECT
  strftime(i.resolved_at, '%Y-%m') AS month,
  p.name AS project,
  count(DISTINCT i.issue_id_value) AS issues_resolved
FROM jira_issue AS i
JOIN jira_project AS p ON i.project_value = p.envelope_fields_resource_ari_value
WHERE i.resolved_at IS NOT NULL
GROUP BY month, project
ORDER BY month, project`,
});

export const EXAMPLE_QUERIES: readonly ExampleQuery[] = Object.freeze([ISSUES_RESOLVED_PER_MONTH]);
