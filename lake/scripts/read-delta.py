#!/usr/bin/env python3
"""Reads a Delta table with delta-rs (the `deltalake` package), an implementation independent of ours, and
prints it for interoperability tests (through delta-rs' DataFusion scan for tables with deletion vectors, which
its pyarrow dataset path refuses). Read-only: it must never write to or repair the table it reads.

Output (stdout), one JSON document per line:
  line 1: {"version": N, "partitionColumns": [...], "schema": [{"name", "type", "nullable"}...],
           "numRows": R, "files": ["relative/path.parquet", ...], "protocol": {...},
           "txnVersions": {"<app id>": version or null}}   (for each --app-id)
  then R lines, one JSON object per row (column name -> value; timestamps as ISO 8601, decimals and 64-bit
  integers beyond 2^53 as strings, binary as base64).

Usage:
  read-delta.py TABLE_URI [--version N] [--order-by col[,col...]] [--columns col,...]
                [--storage-option KEY=VALUE ...] [--app-id ID ...]
s3:// URIs take their endpoint and credentials from --storage-option, else from S3_ENDPOINT, S3_REGION,
S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (plain HTTP endpoints are allowed, path-style addressing).
Run it with the venv's python from lake/scripts/setup-interop.sh.
"""

import argparse
import base64
import datetime
import decimal
import json
import os
import sys

import pyarrow as pa
from deltalake import DeltaTable, QueryBuilder

MAX_SAFE_INTEGER = 2**53 - 1


def storage_options(uri: str, pairs: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    if uri.startswith(("s3://", "s3a://")):
        env = {
            "AWS_ENDPOINT_URL": os.environ.get("S3_ENDPOINT"),
            "AWS_REGION": os.environ.get("S3_REGION") or "us-east-1",
            "AWS_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY"),
        }
        options.update({k: v for k, v in env.items() if v})
        if options.get("AWS_ENDPOINT_URL", "").startswith("http://"):
            options["AWS_ALLOW_HTTP"] = "true"
        options.setdefault("AWS_VIRTUAL_HOSTED_STYLE_REQUEST", "false")
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            sys.exit(f"read-delta: --storage-option wants KEY=VALUE, got {pair!r}")
        options[key] = value
    return options


def to_json(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def safe(value):
    """Integers beyond JavaScript's exact range become strings, recursively."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        return str(value)
    if isinstance(value, dict):
        return {k: safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [safe(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("uri")
    parser.add_argument("--version", type=int)
    parser.add_argument("--order-by", default="")
    parser.add_argument("--columns", default="")
    parser.add_argument("--storage-option", action="append", default=[])
    parser.add_argument("--app-id", action="append", default=[])
    args = parser.parse_args()

    table = DeltaTable(
        args.uri,
        version=args.version,
        storage_options=storage_options(args.uri, args.storage_option) or None,
    )
    columns = [c for c in args.columns.split(",") if c] or None
    protocol = table.protocol()
    if "deletionVectors" in (protocol.reader_features or []):
        # The pyarrow dataset path refuses deletion vectors; delta-rs' DataFusion scan applies them.
        select = ", ".join('"' + c.replace('"', '""') + '"' for c in columns) if columns else "*"
        data = pa.table(QueryBuilder().register("t", table).execute(f"SELECT {select} FROM t").read_all())
    else:
        data = table.to_pyarrow_table(columns=columns)
    order_by = [c for c in args.order_by.split(",") if c]
    if order_by:
        data = data.sort_by([(c, "ascending") for c in order_by])
    header = {
        "version": table.version(),
        "partitionColumns": table.metadata().partition_columns,
        "schema": [
            {"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in data.schema
        ],
        "numRows": data.num_rows,
        "files": sorted(pa.table(table.get_add_actions(flatten=True)).column("path").to_pylist()),
        "protocol": {
            "minReaderVersion": protocol.min_reader_version,
            "minWriterVersion": protocol.min_writer_version,
        },
        "txnVersions": {app_id: table.transaction_version(app_id) for app_id in args.app_id},
    }
    out = sys.stdout
    out.write(json.dumps(header, default=to_json) + "\n")
    for row in data.to_pylist():
        out.write(json.dumps(safe(row), default=to_json, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
    # Leave without the interpreter's teardown: the native runtimes of deltalake/pyarrow sometimes abort while
    # their threads are destroyed at exit ("terminate called without an active exception"), after all the work
    # is done and written. Flush first, then exit at once with success.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
