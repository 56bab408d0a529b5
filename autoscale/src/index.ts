// Public surface of @facsimile/autoscale: the pure controller (planScale) and KEDA's rule as a baseline, the
// metrics reading, the local supervisor of `facsimile ingest` processes, the endpoint KEDA's metrics-api scaler
// reads, and the region status behind `facsimile status`.
export {
  type AutoscaleOptions,
  autoscaleOptions,
  DEFAULT_AUTOSCALE_OPTIONS,
} from "./controller/autoscale-options.js";
export {
  DEFAULT_KEDA_OPTIONS,
  INITIAL_KEDA_STATE,
  type KedaOptions,
  type KedaState,
  kedaReplicas,
  planKeda,
} from "./controller/keda-rule.js";
export {
  planScale,
  type ScaleAction,
  type ScaleEstimate,
  type ScaleInput,
  type ScalePlan,
  type ScaleState,
  trueWorkerRate,
} from "./controller/plan-scale.js";
export { type PartitionLag, totalLag, type WorkerSample } from "./controller/worker-sample.js";
export { AutoscaleError, type AutoscaleErrorCode, isAutoscaleError } from "./errors.js";
export { type DesiredCount, type DesiredCountServer, serveDesiredCount } from "./keda/serve-desired-count.js";
export { type MetricSample, parsePrometheus } from "./metrics/parse-prometheus.js";
export { formatRegionStatus, type RegionStatus, regionStatus } from "./metrics/region-status.js";
export { scrapeWorker } from "./metrics/scrape-worker.js";
export { bucketQuantile, type WorkerMetrics, workerMetrics } from "./metrics/worker-metrics.js";
export {
  createSupervisor,
  DEFAULT_SUPERVISOR_OPTIONS,
  type Supervisor,
  type SupervisorDeps,
  type SupervisorOptions,
  type SupervisorState,
} from "./supervisor/supervise-workers.js";
export { startWorkerProcess, type WorkerProcess } from "./supervisor/worker-process.js";
