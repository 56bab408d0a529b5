#!/usr/bin/env python3
"""One local Spark 3.5 session with Delta Lake (delta-spark) that runs SQL statements read from stdin, so an
interoperability test pays Spark's start-up once per file. Test tooling only: never for production tables.

Protocol: one JSON request per stdin line, one JSON reply per stdout line, in order.
  request:  {"sql": "SELECT ...", "conf": {"key": "value", ...}}   (conf: optional session settings set first)
  reply:    {"ok": true, "columns": [...], "rows": [[...], ...]}  or  {"ok": false, "error": "...", "kind": "..."}
Values: timestamps as ISO 8601 in UTC, dates ISO, decimals and 64-bit integers beyond 2^53 as strings, binary as
base64. The session time zone is UTC. Log output goes to stderr. Run with the venv of setup-interop-engines.sh;
FACSIMILE_SPARK_IVY names the Ivy cache holding delta-spark's jars.
"""

import base64
import datetime
import decimal
import json
import os
import sys
import time

MAX_SAFE_INTEGER = 2**53 - 1


def value(v, type_name=""):
    if isinstance(v, datetime.datetime) and v.tzinfo is None and type_name == "timestamp":
        # PySpark hands a TIMESTAMP (an instant) back as a naive datetime in the process's zone, UTC here.
        return v.isoformat() + "Z"
    if v is None or isinstance(v, (bool, str, float)):
        return v
    if isinstance(v, int):
        return str(v) if abs(v) > MAX_SAFE_INTEGER else v
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            return v.isoformat()
        return v.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, dict):
        return {k: value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if hasattr(v, "asDict"):
        return value(v.asDict(recursive=True))
    return str(v)


def main() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    # Replies go to a copy of stdout; fd 1 itself becomes stderr, so that the JVM's and Ivy's chatter (written
    # straight to the inherited fd) cannot corrupt the reply stream.
    real_stdout = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[1]")
        .appName("facsimile-interop")
        .config("spark.jars.ivy", os.environ["FACSIMILE_SPARK_IVY"])
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.memory", "768m")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.databricks.delta.snapshotPartitions", "1")
    )
    spark = configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            for k, v in (request.get("conf") or {}).items():
                spark.conf.set(k, v)
            df = spark.sql(request["sql"])
            rows = df.collect()
            types = [f.dataType.typeName() for f in df.schema.fields]
            reply = {
                "ok": True,
                "columns": df.columns,
                "rows": [[value(x, types[i]) for i, x in enumerate(r)] for r in rows],
            }
        except Exception as err:  # noqa: BLE001 - every failure is a reply, the session goes on
            reply = {"ok": False, "error": str(err)[:4000], "kind": type(err).__name__}
        real_stdout.write(json.dumps(reply) + "\n")
        real_stdout.flush()
    spark.stop()


if __name__ == "__main__":
    main()
    sys.stderr.flush()
    os._exit(0)
