{{ config(
    writer='append',
    cluster_by=['envelope_fields_resource_ari_value', 'envelope_fields_version'],
    unique_key=[
      'envelope_fields_resource_ari_value', 'envelope_fields_generation_counter', 'envelope_fields_version',
      'envelope_fields_is_tombstone', 'envelope_fields_payload_hash'
    ]
) }}
{#
  The change history of Jira issues: one row per record version (tombstones included), never updated. A record is
  identified by (resource, generation, version), plus its tombstone flag and payload hash so that two different
  records claiming one version both stay (the Merge tables pick the winner). The unique key makes the append
  idempotent: a redelivery or a producer retry, in the same micro-batch or a later one, adds nothing, so the table
  is the same set of rows whatever the delivery order and duplication. No Kafka coordinates: they differ per
  delivery. row_refreshed_at(_day) and shard_id are the delivery columns of the first delivery kept.
#}
SELECT
  {{ select_envelope_fields() }}
  CAST(key AS VARCHAR) AS key,
  CAST(status AS VARCHAR) AS status,
  CAST(summary AS VARCHAR) AS summary,
  CAST(assignee_value AS VARCHAR) AS assignee_value,
  {{ timestamp('updated_at') }} AS updated_at,
  {{ select_required_fields() }}
FROM {{ source('entities', 'JiraIssue') }}
