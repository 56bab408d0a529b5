// Resolves the real Kafka and S3 the tests use, starting them if needed:
//   1. KAFKA_BROKERS / S3_ENDPOINT set: use them as they are;
//   2. else a Docker engine answers: start them with testcontainers;
//   3. else: our harness (test/services/services.sh), which installs from Maven Central / the Go proxy.
// It never fakes a service: when none can be had it fails with what to do.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HARNESS_DEFAULTS, type S3Endpoint, type ServiceEndpoints } from "./endpoints.js";

export interface StartedServices {
  readonly endpoints: ServiceEndpoints;
  /** Stops what this call started (nothing if the services were already there). */
  stop(): Promise<void>;
}

const SERVICES_SH = join(dirname(fileURLToPath(import.meta.url)), "..", "services", "services.sh");

function harness(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync("bash", [SERVICES_SH, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout ?? "" };
}

function dockerAvailable(): boolean {
  if (process.env.FACSIMILE_SERVICES === "harness") return false;
  if (process.env.FACSIMILE_SERVICES === "docker") return true;
  const hasSocket = process.env.DOCKER_HOST !== undefined || existsSync("/var/run/docker.sock");
  if (!hasSocket) return false;
  const r = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], {
    timeout: 5000,
    stdio: "ignore",
  });
  return r.status === 0;
}

function s3FromEnv(endpoint: string): S3Endpoint {
  return {
    endpoint,
    region: process.env.S3_REGION ?? HARNESS_DEFAULTS.region,
    accessKeyId: process.env.S3_ACCESS_KEY_ID ?? HARNESS_DEFAULTS.accessKeyId,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? HARNESS_DEFAULTS.secretAccessKey,
    bucket: process.env.S3_BUCKET ?? HARNESS_DEFAULTS.bucket,
    kmsKeyId: process.env.S3_KMS_KEY_ID ?? HARNESS_DEFAULTS.kmsKeyId,
  };
}

async function startWithHarness(need: { kafka: boolean; minio: boolean }): Promise<() => Promise<void>> {
  const wanted = [need.kafka ? "kafka" : "", need.minio ? "minio" : ""].filter(Boolean);
  const before = harness("status").stdout;
  const alreadyUp = wanted.filter((s) => before.includes(`${s}: up`));
  const up = harness("up", ...wanted);
  if (up.status !== 0) {
    throw new Error(
      `test services could not be started by test/services/services.sh (exit ${up.status}). ` +
        "Install Java 17 + Maven and Go, or run `docker compose up -d` and set KAFKA_BROKERS and S3_ENDPOINT.",
    );
  }
  const started = wanted.filter((s) => !alreadyUp.includes(s));
  return async () => {
    if (started.length > 0 && process.env.FACSIMILE_KEEP_SERVICES !== "1") harness("down", ...started);
  };
}

async function startWithDocker(need: { kafka: boolean; minio: boolean }): Promise<() => Promise<void>> {
  // Loaded only here: machines without Docker never touch testcontainers.
  const { GenericContainer, Wait } = await import("testcontainers");
  const stops: Array<() => Promise<unknown>> = [];
  if (need.kafka) {
    const kafka = await new GenericContainer("apache/kafka:4.1.1")
      .withExposedPorts({ container: 19092, host: 19092 })
      .withEnvironment({
        KAFKA_NODE_ID: "1",
        KAFKA_PROCESS_ROLES: "broker,controller",
        KAFKA_LISTENERS: "PLAINTEXT://:19092,CONTROLLER://:19093",
        KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://127.0.0.1:19092",
        KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:19093",
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: "1",
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: "1",
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
        KAFKA_MESSAGE_MAX_BYTES: "2097152",
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start();
    stops.push(() => kafka.stop());
  }
  if (need.minio) {
    const minio = await new GenericContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z")
      .withCommand(["server", "/data", "--address", ":19000"])
      .withExposedPorts({ container: 19000, host: 19000 })
      .withEnvironment({
        MINIO_ROOT_USER: HARNESS_DEFAULTS.accessKeyId,
        MINIO_ROOT_PASSWORD: HARNESS_DEFAULTS.secretAccessKey,
        MINIO_BROWSER: "off",
        MINIO_KMS_SECRET_KEY: "facsimile-key:ZmFjc2ltaWxlLXRlc3Qta21zLWtleS0zMi1ieXRlcyE=",
      })
      .withWaitStrategy(Wait.forHttp("/minio/health/live", 19000))
      .start();
    stops.push(() => minio.stop());
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}

/** Makes sure a real Kafka and a real S3 server are reachable and returns where they are. */
export async function startServices(): Promise<StartedServices> {
  const envKafka = process.env.KAFKA_BROKERS;
  const envS3 = process.env.S3_ENDPOINT;
  const need = { kafka: envKafka === undefined, minio: envS3 === undefined };
  let stop: () => Promise<void> = async () => {};
  let source: ServiceEndpoints["source"] = "env";
  if (need.kafka || need.minio) {
    if (dockerAvailable()) {
      stop = await startWithDocker(need);
      source = "docker";
    } else {
      stop = await startWithHarness(need);
      source = "harness";
    }
  }
  const endpoints: ServiceEndpoints = {
    kafkaBrokers: (envKafka ?? HARNESS_DEFAULTS.kafkaBrokers.join(","))
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean),
    s3: s3FromEnv(envS3 ?? HARNESS_DEFAULTS.s3Endpoint),
    source,
  };
  return { endpoints, stop };
}
