#!/usr/bin/env bash
# The heavier interoperability engines, installed from PyPI and Maven Central once and cached, beside (not inside)
# setup-interop.sh's venv so that changing these pins never rebuilds the one every lake test uses:
#   - a Python venv with PySpark 3.5 + delta-spark 3.3 (their jars resolved once from Maven Central into an Ivy
#     cache under the cache dir), PyIceberg and delta-rs, the third and fourth independent readers/writers;
#   - DuckDB's signed iceberg and avro extension binaries (PyPI duckdb-ext-*), unpacked into setup-interop.sh's
#     extension directory (additive: the delta and httpfs files there are left alone).
# Idempotent and safe to run concurrently (flock). Once done it touches no network: a stamp file records the pins.
#
# stdout: shell assignments:
#   FACSIMILE_ENGINES_PYTHON=<venv>/bin/python
#   FACSIMILE_SPARK_IVY=<cache>/interop-engines/ivy
#   FACSIMILE_DUCKDB_EXTENSION_DIR=<cache>/duckdb-extensions
# stderr: progress. Environment: FACSIMILE_CACHE (default ~/.cache/facsimile), PYTHON (default python3).
set -euo pipefail

DUCKDB_VERSION="1.4.4"
EXT_VERSION="1.4.4.20260205"
DELTA_SPARK="3.3.2"
PINS=(
  "pyspark==3.5.7"
  "delta-spark==${DELTA_SPARK}"
  "pyiceberg[pyarrow,sql-sqlite]==0.10.0"
  "deltalake==1.6.6"
  "pyarrow==21.0.0"
  "duckdb==${DUCKDB_VERSION}"
  "duckdb-ext-iceberg==${EXT_VERSION}"
  "duckdb-ext-avro==${EXT_VERSION}"
)
EXTENSIONS=(iceberg avro)

CACHE="${FACSIMILE_CACHE:-${HOME:?HOME or FACSIMILE_CACHE must be set}/.cache/facsimile}"
ROOT="$CACHE/interop-engines"
VENV="$ROOT/venv"
IVY="$ROOT/ivy"
EXT_DIR="$CACHE/duckdb-extensions"
STAMP="$ROOT/.complete"
PYTHON_BIN="${PYTHON:-python3}"
STAMP_TEXT="$(printf '%s\n' "${PINS[@]}" "python=$("$PYTHON_BIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")"

log() { printf 'setup-interop-engines: %s\n' "$*" >&2; }

emit() {
  printf 'FACSIMILE_ENGINES_PYTHON=%s\n' "$VENV/bin/python"
  printf 'FACSIMILE_SPARK_IVY=%s\n' "$IVY"
  printf 'FACSIMILE_DUCKDB_EXTENSION_DIR=%s\n' "$EXT_DIR"
}

complete() {
  [[ -f "$STAMP" ]] || return 1
  [[ "$(sed -n '1,/^---$/p' "$STAMP" | sed '$d')" == "$STAMP_TEXT" ]] || return 1
  local platform
  platform="$(sed -n 's/^platform=//p' "$STAMP")"
  [[ -n "$platform" && -x "$VENV/bin/python" ]] || return 1
  for ext in "${EXTENSIONS[@]}"; do
    [[ -s "$EXT_DIR/v$DUCKDB_VERSION/$platform/$ext.duckdb_extension" ]] || return 1
  done
}

if complete; then emit; exit 0; fi

mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
flock 9
if complete; then emit; exit 0; fi

started=$(date +%s)
rm -f "$STAMP"
if [[ -d "$VENV" ]]; then
  log "pins changed or last setup incomplete: recreating $VENV"
  rm -rf "$VENV"
fi
log "creating venv $VENV with ${PINS[*]}"
"$PYTHON_BIN" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "${PINS[@]}" >&2

site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
platform="$("$VENV/bin/python" -c 'import duckdb; print(duckdb.sql("PRAGMA platform").fetchone()[0])')"
src="$site/duckdb_ext/extensions/v$DUCKDB_VERSION/$platform"
dst="$EXT_DIR/v$DUCKDB_VERSION/$platform"
mkdir -p "$dst"
for ext in "${EXTENSIONS[@]}"; do
  if [[ ! -s "$src/$ext.duckdb_extension" ]]; then
    log "the duckdb-ext-$ext wheel has no $src/$ext.duckdb_extension (platform $platform unsupported?)"
    exit 1
  fi
  tmp="$dst/.$ext.duckdb_extension.$$"
  cp "$src/$ext.duckdb_extension" "$tmp"
  mv -f "$tmp" "$dst/$ext.duckdb_extension"
done

# Resolve delta-spark's jars once (Ivy, from Maven Central) and prove a Spark session with Delta starts.
log "resolving io.delta:delta-spark_2.12:$DELTA_SPARK into $IVY and starting Spark once"
FACSIMILE_SPARK_IVY="$IVY" "$VENV/bin/python" - >&2 <<'PY'
import os, sys, tempfile
sys.path.insert(0, os.environ.get("FACSIMILE_SCRIPTS", "."))
from pyspark.sql import SparkSession
from delta import configure_spark_with_delta_pip
builder = (SparkSession.builder.master("local[1]").appName("facsimile-setup")
           .config("spark.jars.ivy", os.environ["FACSIMILE_SPARK_IVY"])
           .config("spark.ui.enabled", "false")
           .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
           .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
spark = configure_spark_with_delta_pip(builder).getOrCreate()
path = tempfile.mkdtemp()
spark.range(3).write.format("delta").save(path + "/t")
assert spark.read.format("delta").load(path + "/t").count() == 3
spark.stop()
PY

{
  printf '%s\n---\n' "$STAMP_TEXT"
  printf 'platform=%s\n' "$platform"
} >"$STAMP.tmp"
mv -f "$STAMP.tmp" "$STAMP"
log "done in $(($(date +%s) - started))s"
emit
