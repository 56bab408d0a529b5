{{ config(
    writer='merge-exploded',
    parent_key=['envelope_fields_resource_ari_value'],
    child_key=['field_index']
) }}
{#
  One row per custom field value of a Jira issue: the issue's repeated `fields` exploded, with the issue's key
  columns. field_index is the value's 0-based position in `fields`.
  A tombstone, and an issue version without fields, keep ONE row with field_index NULL: the MergeExploded writer
  ranks parent versions by the rows it sees, so the newest version must have a row even when it has no children,
  or the children of an older version would survive it. Analysts see `WHERE field_index IS NOT NULL`.
#}
WITH issues AS (
  SELECT
    *,
    CASE WHEN len(coalesce(fields, [])) = 0 THEN [NULL] ELSE range(len(fields)) END AS field_indexes
  FROM {{ source('entities', 'JiraIssue') }}
),
indexed AS (
  SELECT *, unnest(field_indexes) AS field_index FROM issues
),
exploded AS (
  SELECT *, fields[field_index + 1] AS field FROM indexed
)
SELECT
  {{ select_envelope_fields() }}
  CAST(issue_id_value AS VARCHAR) AS issue_id_value,
  CAST(key AS VARCHAR) AS issue_key,
  CAST(project_value AS VARCHAR) AS project_value,
  CAST(field_index AS INTEGER) AS field_index,
  CAST(field.field_id AS VARCHAR) AS field_id,
  CAST(field.name AS VARCHAR) AS field_name,
  CAST(field.value_value AS VARCHAR) AS field_value,
  {{ timestamp('field.updated_at') }} AS field_updated_at,
  {{ select_required_fields() }}
FROM exploded
