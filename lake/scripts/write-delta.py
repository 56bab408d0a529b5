#!/usr/bin/env python3
"""Writes a Delta table with delta-rs (the `deltalake` package) from JSON lines on stdin, so interoperability
tests can read a table our code did not write. Test tooling only: it must never be used on production tables.

Usage:
  write-delta.py TABLE_URI [--mode append|overwrite|error] [--partition-by col[,col...]]
                 [--schema 'name:type,...'] [--storage-option KEY=VALUE ...]  < rows.jsonl
Types for --schema (otherwise inferred by pyarrow): string, int32, int64, float64, bool, date,
timestamp (UTC microseconds, Delta's `timestamp`), binary. Timestamps and dates are given as ISO 8601 strings.
s3:// URIs use the same storage options and S3_* environment as read-delta.py, plus conditional-put locking
(aws_conditional_put=etag) so concurrent writers are safe on MinIO. Prints {"version": N} when done.
"""

import argparse
import datetime
import json
import os
import sys

import pyarrow as pa
from deltalake import write_deltalake

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

reader = import_module("read-delta")

TYPES = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "binary": pa.binary(),
}


def parse_schema(text: str) -> pa.Schema:
    fields = []
    for part in text.split(","):
        name, sep, type_name = part.partition(":")
        if not sep or type_name not in TYPES:
            sys.exit(f"write-delta: bad --schema entry {part!r}; types: {', '.join(TYPES)}")
        fields.append(pa.field(name, TYPES[type_name]))
    return pa.schema(fields)


def convert(rows: list[dict], schema: pa.Schema) -> list[dict]:
    out = []
    for row in rows:
        converted = dict(row)
        for field in schema:
            value = converted.get(field.name)
            if value is None:
                continue
            if pa.types.is_timestamp(field.type):
                converted[field.name] = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            elif pa.types.is_date32(field.type):
                converted[field.name] = datetime.date.fromisoformat(value)
            elif pa.types.is_binary(field.type):
                converted[field.name] = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        out.append(converted)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("uri")
    parser.add_argument("--mode", default="append", choices=["append", "overwrite", "error"])
    parser.add_argument("--partition-by", default="")
    parser.add_argument("--schema", default="")
    parser.add_argument("--storage-option", action="append", default=[])
    args = parser.parse_args()

    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    if args.schema:
        schema = parse_schema(args.schema)
        data = pa.Table.from_pylist(convert(rows, schema), schema=schema)
    else:
        data = pa.Table.from_pylist(rows)
    options = reader.storage_options(args.uri, args.storage_option)
    if args.uri.startswith(("s3://", "s3a://")):
        options.setdefault("aws_conditional_put", "etag")
    partition_by = [c for c in args.partition_by.split(",") if c] or None
    write_deltalake(
        args.uri,
        data,
        mode=args.mode,
        partition_by=partition_by,
        storage_options=options or None,
    )
    from deltalake import DeltaTable

    print(json.dumps({"version": DeltaTable(args.uri, storage_options=options or None).version()}))


if __name__ == "__main__":
    main()
    # Leave without the interpreter's teardown: the native runtimes of deltalake/pyarrow sometimes abort while
    # their threads are destroyed at exit ("terminate called without an active exception"), after all the work
    # is done and written. Flush first, then exit at once with success.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
