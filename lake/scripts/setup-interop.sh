#!/usr/bin/env bash
# Offline interoperability tooling for the lake, installed from PyPI once and cached:
#   - a Python venv with delta-rs (`deltalake`), pyarrow and duckdb, the independent readers of our Delta tables;
#   - DuckDB's signed delta and httpfs extension binaries (PyPI duckdb-ext-*), unpacked into the layout DuckDB
#     loads with `extension_directory` set and autoinstall off: <dir>/v1.4.4/<platform>/<name>.duckdb_extension.
# Idempotent and safe to run concurrently (flock). Once done it touches no network: a stamp file records the pins.
# Never downloads DuckDB extensions from DuckDB's own servers (these machines cannot reach them).
#
# stdout: shell assignments, e.g. `eval "$(bash lake/scripts/setup-interop.sh)"`:
#   FACSIMILE_INTEROP_PYTHON=<venv>/bin/python
#   FACSIMILE_DUCKDB_EXTENSION_DIR=<cache>/duckdb-extensions
# stderr: progress. Environment: FACSIMILE_CACHE (default ~/.cache/facsimile), PYTHON (default python3).
set -euo pipefail

DUCKDB_VERSION="1.4.4"
EXT_VERSION="1.4.4.20260205"
PINS=(
  "duckdb==${DUCKDB_VERSION}"
  "deltalake==1.6.6"
  "pyarrow==26.0.1"
  "duckdb-ext-delta==${EXT_VERSION}"
  "duckdb-ext-httpfs==${EXT_VERSION}"
)
EXTENSIONS=(delta httpfs)

CACHE="${FACSIMILE_CACHE:-${HOME:?HOME or FACSIMILE_CACHE must be set}/.cache/facsimile}"
INTEROP="$CACHE/interop"
VENV="$INTEROP/venv"
EXT_DIR="$CACHE/duckdb-extensions"
STAMP="$INTEROP/.complete"
PYTHON_BIN="${PYTHON:-python3}"
STAMP_TEXT="$(printf '%s\n' "${PINS[@]}" "python=$("$PYTHON_BIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")"

log() { printf 'setup-interop: %s\n' "$*" >&2; }

emit() {
  printf 'FACSIMILE_INTEROP_PYTHON=%s\n' "$VENV/bin/python"
  printf 'FACSIMILE_DUCKDB_EXTENSION_DIR=%s\n' "$EXT_DIR"
}

# Every extension file of the stamp's platform is in place.
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

mkdir -p "$INTEROP"
exec 9>"$INTEROP/.lock"
flock 9
# Another process may have finished while we waited for the lock.
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

# The wheels put the binaries under site-packages/duckdb_ext/extensions/v<version>/<platform>/; copy them to a
# path that does not depend on the Python version, so Node (and analysts) can point DuckDB at it.
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
  ln -f "$src/$ext.duckdb_extension" "$tmp" 2>/dev/null || cp "$src/$ext.duckdb_extension" "$tmp"
  mv -f "$tmp" "$dst/$ext.duckdb_extension"
done

# Prove the layout: the pinned DuckDB loads both extensions from there without any network.
"$VENV/bin/python" - "$EXT_DIR" "${EXTENSIONS[@]}" >&2 <<'PY'
import sys, duckdb
ext_dir, names = sys.argv[1], sys.argv[2:]
con = duckdb.connect(config={"extension_directory": ext_dir,
                             "autoinstall_known_extensions": "false",
                             "autoload_known_extensions": "false"})
for name in names:
    con.execute(f"LOAD {name}")
loaded = {r[0] for r in con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
missing = [n for n in names if n not in loaded]
if missing:
    sys.exit(f"setup-interop: DuckDB did not load {missing} from {ext_dir}")
PY

{
  printf '%s\n---\n' "$STAMP_TEXT"
  printf 'platform=%s\n' "$platform"
} >"$STAMP.tmp"
mv -f "$STAMP.tmp" "$STAMP"
log "done in $(($(date +%s) - started))s: extensions in $dst"
emit
