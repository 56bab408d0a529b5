#!/usr/bin/env bash
# Local real services for tests and the demo: a single-node Apache Kafka (KRaft) from Maven Central, MinIO built
# from the Go module proxy, and on demand moto's server from PyPI (S3 + a KMS with several keys, for the BYOK
# tests; not started by default). Installs are cached (FACSIMILE_CACHE, default ~/.cache/facsimile);
# data lives under FACSIMILE_SERVICES_DIR (default: a folder in the temp dir). Every service binds 127.0.0.1.
# This script must never download prebuilt binaries from anywhere but those registries.
#
#   services.sh up [kafka|minio|moto]...   install if needed, start if not running, wait until healthy
#   services.sh down [kafka|minio|moto]... stop cleanly (SIGTERM, then SIGKILL after a grace period)
#   services.sh status                 one line per service; exit 1 if kafka or minio is down
#   services.sh install [kafka|minio|moto|sql-clients]  install into the cache only (sql-clients: psql, openssl
#                                      and a psycopg venv for the PostgreSQL endpoint's tests; apt-get as root)
#   services.sh env                    print the export lines that point clients at the services
set -euo pipefail

KAFKA_VERSION="4.1.1"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${FACSIMILE_CACHE:-${HOME}/.cache/facsimile}"
RUN_DIR="${FACSIMILE_SERVICES_DIR:-${TMPDIR:-/tmp}/facsimile-services}"

KAFKA_PORT="${FACSIMILE_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${FACSIMILE_KAFKA_CONTROLLER_PORT:-19093}"
MINIO_PORT="${FACSIMILE_MINIO_PORT:-19000}"
MINIO_USER="${FACSIMILE_MINIO_USER:-facsimile}"
MINIO_PASSWORD="${FACSIMILE_MINIO_PASSWORD:-facsimile-secret}"
# The static KMS key MinIO encrypts SSE-KMS objects with. A test-only key: never use it for real data.
MINIO_KMS_KEY="${FACSIMILE_MINIO_KMS_KEY:-facsimile-key:ZmFjc2ltaWxlLXRlc3Qta21zLWtleS0zMi1ieXRlcyE=}"

# moto's server mode: S3 and KMS in one process, keys with states (Enabled, Disabled, PendingDeletion), each
# object's SSE-KMS key id kept and reported. It does not encrypt at rest nor check key states on S3 reads, and its
# If-None-Match is a check-then-put: single-writer tests only (the lake's commit races stay on MinIO). Chosen over
# SeaweedFS, whose built-in ("local") KMS holds one random key in memory per process (its config loader is a stub)
# and needs OpenBao/Vault or a cloud KMS for more, and over LocalStack, whose CLI starts it in a Docker container.
MOTO_VERSION="5.2.5"
MOTO_PORT="${FACSIMILE_MOTO_PORT:-19400}"

KAFKA_HOME="${CACHE}/kafka-${KAFKA_VERSION}"
MOTO_HOME="${CACHE}/moto-${MOTO_VERSION}"
MINIO_BIN="${CACHE}/minio-${MINIO_VERSION}/minio"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # name pidfile timeout_s command...
  local name=$1 pidfile=$2 timeout=$3; shift 3
  local start=$SECONDS
  until "$@"; do
    if ! pid_alive "${pidfile}"; then log "${name} exited during start-up"; return 1; fi
    if (( SECONDS - start > timeout )); then log "${name} not healthy after ${timeout}s"; return 1; fi
    sleep 0.5
  done
  log "${name} healthy after $((SECONDS - start))s"
}

# ---------------------------------------------------------------- install

install_kafka() {
  if [ -f "${KAFKA_HOME}/.complete" ]; then return 0; fi
  need java "install Java 17+ (or use docker compose)"
  need mvn "install Maven (or use docker compose)"
  log "installing Apache Kafka ${KAFKA_VERSION} from Maven Central into ${KAFKA_HOME}"
  rm -rf "${KAFKA_HOME}"
  mkdir -p "${KAFKA_HOME}/lib"
  mvn -B -q -f "${HERE}/kafka/pom.xml" -Dkafka.version="${KAFKA_VERSION}" \
    dependency:copy-dependencies -DoutputDirectory="${KAFKA_HOME}/lib" -DincludeScope=runtime \
    || die "mvn could not resolve Kafka ${KAFKA_VERSION}"
  touch "${KAFKA_HOME}/.complete"
}

install_minio() {
  if [ -x "${MINIO_BIN}" ]; then return 0; fi
  need go "install Go 1.24+ (or use docker compose)"
  log "building MinIO ${MINIO_VERSION} from the Go module proxy (minutes on a cold cache)"
  local gobin
  gobin="$(dirname "${MINIO_BIN}")"
  mkdir -p "${gobin}"
  # Build outside any module so the project's files cannot influence it.
  (cd "${CACHE}" && CGO_ENABLED=0 GOBIN="${gobin}" GOFLAGS=-mod=mod go install "github.com/minio/minio@${MINIO_VERSION}") \
    || die "go install of MinIO failed"
}

install_moto() {
  if [ -f "${MOTO_HOME}/.complete" ]; then return 0; fi
  need python3 "install Python 3.9+"
  log "installing moto ${MOTO_VERSION} (S3 + KMS server) from PyPI into ${MOTO_HOME}"
  rm -rf "${MOTO_HOME}"
  python3 -m venv "${MOTO_HOME}" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  # Only the S3 extra and the server's web framework: moto[server] would pull every service's dependencies.
  "${MOTO_HOME}/bin/pip" install -q --disable-pip-version-check "moto[s3]==${MOTO_VERSION}" "flask<4" "flask-cors<7" \
    || die "pip could not install moto ${MOTO_VERSION}"
  touch "${MOTO_HOME}/.complete"
}

# ---------------------------------------------------------------- kafka

kafka_healthy() { port_open "${KAFKA_PORT}" && grep -q 'Kafka Server started' "${RUN_DIR}/kafka/server.log" 2>/dev/null; }

start_kafka() {
  local dir="${RUN_DIR}/kafka"
  if pid_alive "${dir}/pid" && kafka_healthy; then log "kafka already running on 127.0.0.1:${KAFKA_PORT}"; return 0; fi
  if port_open "${KAFKA_PORT}"; then die "port ${KAFKA_PORT} is taken by another process; set FACSIMILE_KAFKA_PORT or KAFKA_BROKERS"; fi
  install_kafka
  rm -rf "${dir}"
  mkdir -p "${dir}/data"
  cat > "${dir}/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${dir}/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
message.max.bytes=2097152
EOF
  cat > "${dir}/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
EOF
  local cp="${KAFKA_HOME}/lib/*"
  local uuid
  uuid="$(java -cp "${cp}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  java -Dlog4j2.configurationFile="${dir}/log4j2.properties" -cp "${cp}" kafka.tools.StorageTool format \
    -t "${uuid}" -c "${dir}/server.properties" --ignore-formatted >"${dir}/format.log" 2>&1 \
    || { cat "${dir}/format.log" >&2; die "kafka storage format failed"; }
  log "starting kafka ${KAFKA_VERSION} on 127.0.0.1:${KAFKA_PORT}"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="${dir}/log4j2.properties" -cp "${cp}" kafka.Kafka "${dir}/server.properties" \
    >"${dir}/stdout.log" 2>&1 < /dev/null &
  echo $! >"${dir}/pid"
  if ! wait_for kafka "${dir}/pid" 90 kafka_healthy; then
    tail -n 40 "${dir}/server.log" "${dir}/stdout.log" >&2 || true
    die "kafka did not start (logs above, full log in ${dir})"
  fi
}

# ---------------------------------------------------------------- minio

minio_healthy() { curl -fsS -m 2 "http://127.0.0.1:${MINIO_PORT}/minio/health/live" >/dev/null 2>&1; }

start_minio() {
  local dir="${RUN_DIR}/minio"
  if pid_alive "${dir}/pid" && minio_healthy; then log "minio already running on 127.0.0.1:${MINIO_PORT}"; return 0; fi
  if port_open "${MINIO_PORT}"; then die "port ${MINIO_PORT} is taken by another process; set FACSIMILE_MINIO_PORT or S3_ENDPOINT"; fi
  install_minio
  rm -rf "${dir}"
  mkdir -p "${dir}/data"
  log "starting minio on 127.0.0.1:${MINIO_PORT}"
  MINIO_ROOT_USER="${MINIO_USER}" MINIO_ROOT_PASSWORD="${MINIO_PASSWORD}" MINIO_BROWSER=off \
    MINIO_KMS_SECRET_KEY="${MINIO_KMS_KEY}" MINIO_UPDATE=off \
    nohup "${MINIO_BIN}" server "${dir}/data" --address "127.0.0.1:${MINIO_PORT}" --quiet \
    >"${dir}/stdout.log" 2>&1 < /dev/null &
  echo $! >"${dir}/pid"
  if ! wait_for minio "${dir}/pid" 60 minio_healthy; then
    tail -n 40 "${dir}/stdout.log" >&2 || true
    die "minio did not start (logs above, full log in ${dir})"
  fi
}

# ---------------------------------------------------------------- moto

moto_healthy() { curl -fsS -m 2 "http://127.0.0.1:${MOTO_PORT}/moto-api/data.json" >/dev/null 2>&1; }

start_moto() {
  local dir="${RUN_DIR}/moto"
  if pid_alive "${dir}/pid" && moto_healthy; then log "moto already running on 127.0.0.1:${MOTO_PORT}"; return 0; fi
  if port_open "${MOTO_PORT}"; then die "port ${MOTO_PORT} is taken by another process; set FACSIMILE_MOTO_PORT or S3_KMS_ENDPOINT"; fi
  install_moto
  rm -rf "${dir}"
  mkdir -p "${dir}"
  log "starting moto ${MOTO_VERSION} (S3 + KMS) on 127.0.0.1:${MOTO_PORT}"
  nohup "${MOTO_HOME}/bin/moto_server" -H 127.0.0.1 -p "${MOTO_PORT}" >"${dir}/stdout.log" 2>&1 < /dev/null &
  echo $! >"${dir}/pid"
  if ! wait_for moto "${dir}/pid" 60 moto_healthy; then
    tail -n 40 "${dir}/stdout.log" >&2 || true
    die "moto did not start (logs above, full log in ${dir})"
  fi
}

# ---------------------------------------------------------------- common

stop_one() { # name
  local dir="${RUN_DIR}/$1"
  if ! pid_alive "${dir}/pid"; then log "$1 not running"; rm -f "${dir}/pid"; return 0; fi
  local pid
  pid="$(cat "${dir}/pid")"
  kill -TERM "${pid}" 2>/dev/null || true
  local i
  for i in $(seq 1 60); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "${pid}" 2>/dev/null; then log "$1 did not stop in 30s; killing"; kill -KILL "${pid}" 2>/dev/null || true; fi
  rm -f "${dir}/pid"
  log "$1 stopped"
}

status_one() { # name health_fn endpoint
  if pid_alive "${RUN_DIR}/$1/pid" && "$2"; then echo "$1: up ($3)"; return 0; fi
  echo "$1: down"; return 1
}

services_from_args() { if [ $# -eq 0 ]; then echo "kafka minio"; else echo "$@"; fi; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "${cmd}" in
  up)
    for s in $(services_from_args "$@"); do
      case "$s" in
        kafka) start_kafka ;; minio) start_minio ;; moto) start_moto ;;
        *) die "unknown service '$s' (kafka|minio|moto)" ;;
      esac
    done ;;
  down)
    for s in $(services_from_args "$@"); do stop_one "$s"; done ;;
  install)
    for s in $(services_from_args "$@"); do
      case "$s" in
        kafka) install_kafka ;;
        minio) install_minio ;;
        moto) install_moto ;;
        sql-clients) bash "${HERE}/../scripts/setup-sql-clients.sh" >/dev/null ;;
        *) die "unknown service '$s' (kafka|minio|moto|sql-clients)" ;;
      esac
    done ;;
  status)
    rc=0
    status_one kafka kafka_healthy "127.0.0.1:${KAFKA_PORT}, Apache Kafka ${KAFKA_VERSION}" || rc=1
    status_one minio minio_healthy "http://127.0.0.1:${MINIO_PORT}, MinIO ${MINIO_VERSION}" || rc=1
    status_one moto moto_healthy "http://127.0.0.1:${MOTO_PORT}, moto ${MOTO_VERSION}, on demand" || true
    exit "${rc}" ;;
  env)
    echo "export KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT}"
    echo "export S3_ENDPOINT=http://127.0.0.1:${MINIO_PORT}"
    echo "export S3_ACCESS_KEY_ID=${MINIO_USER}"
    echo "export S3_SECRET_ACCESS_KEY=${MINIO_PASSWORD}"
    echo "export S3_REGION=us-east-1"
    echo "export S3_KMS_KEY_ID=${MINIO_KMS_KEY%%:*}"
    echo "export S3_KMS_ENDPOINT=http://127.0.0.1:${MOTO_PORT}" ;;
  -h|--help|help|"")
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '${cmd}' (up|down|status|install|env)" ;;
esac
