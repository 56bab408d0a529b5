#!/usr/bin/env bash
# SQL clients we do not write, for the PostgreSQL endpoint's tests, installed once and cached:
#   - psql (Debian's postgresql-client) and openssl, through apt-get when missing and we are root;
#   - a Python venv with psycopg (3, pure Python: it uses the system libpq) from PyPI.
# Idempotent and safe to run concurrently (flock). Once done it touches no network.
#
# stdout: shell assignments, e.g. `eval "$(bash test/scripts/setup-sql-clients.sh)"`:
#   FACSIMILE_PSQL=<path of psql>
#   FACSIMILE_PSYCOPG_PYTHON=<venv>/bin/python
#   FACSIMILE_OPENSSL=<path of openssl>
# stderr: progress. Environment: FACSIMILE_CACHE (default ~/.cache/facsimile), PYTHON (default python3).
set -euo pipefail

PINS=("psycopg==3.3.9")
CACHE="${FACSIMILE_CACHE:-${HOME:?HOME or FACSIMILE_CACHE must be set}/.cache/facsimile}"
DIR="$CACHE/sql-clients"
VENV="$DIR/venv"
STAMP="$DIR/.complete"
PYTHON_BIN="${PYTHON:-python3}"
STAMP_TEXT="$(printf '%s\n' "${PINS[@]}" "python=$("$PYTHON_BIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")"

log() { printf 'setup-sql-clients: %s\n' "$*" >&2; }

mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9

# openssl makes the TLS test's throwaway certificate.
missing=()
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    log "missing ${missing[*]}: install them (apt-get install ${missing[*]})"
    exit 1
  fi
fi
# psycopg's pure-Python build loads the system libpq (libpq5 comes with postgresql-client).

if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$STAMP_TEXT" || ! -x "$VENV/bin/python" ]]; then
  rm -rf "$VENV" "$STAMP"
  log "creating venv $VENV with ${PINS[*]}"
  "$PYTHON_BIN" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "${PINS[@]}" >&2
  "$VENV/bin/python" -c 'import psycopg; print("psycopg", psycopg.__version__, "libpq", psycopg.pq.version())' >&2
  printf '%s' "$STAMP_TEXT" >"$STAMP"
fi

printf 'FACSIMILE_PSQL=%s\n' "$(command -v psql)"
printf 'FACSIMILE_PSYCOPG_PYTHON=%s\n' "$VENV/bin/python"
printf 'FACSIMILE_OPENSSL=%s\n' "$(command -v openssl)"
