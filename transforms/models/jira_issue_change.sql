{{ config(
    writer='append',
    cluster_by=['envelope_fields_resource_ari_value', 'envelope_fields_version']
) }}
{#
  The change history of Jira issues: one row per record as it arrived (tombstones included), never updated.
  Within a micro-batch a version delivered twice is kept once; a duplicate delivered in a later micro-batch is
  a second row (Append writes rows verbatim), so history queries group by
  (envelope_fields_resource_ari_value, envelope_fields_generation_counter, envelope_fields_version).
#}
SELECT
  {{ select_envelope_fields() }}
  CAST(key AS VARCHAR) AS key,
  CAST(status AS VARCHAR) AS status,
  CAST(summary AS VARCHAR) AS summary,
  CAST(assignee_value AS VARCHAR) AS assignee_value,
  {{ timestamp('updated_at') }} AS updated_at,
  CAST(_record_timestamp AS TIMESTAMPTZ) AS record_timestamp,
  CAST(_kafka_partition AS INTEGER) AS kafka_partition,
  CAST(_kafka_offset AS BIGINT) AS kafka_offset,
  {{ select_required_fields() }}
FROM {{ source('entities', 'JiraIssue') }}
QUALIFY row_number() OVER (
  PARTITION BY envelope_fields_resource_ari_value, envelope_fields_generation_counter, envelope_fields_version,
    envelope_fields_is_tombstone, envelope_fields_payload_hash
  ORDER BY _kafka_partition, _kafka_offset
) = 1
