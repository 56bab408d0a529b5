// autoscale-sim: our controller (planScale) against KEDA's Kafka rule (with the HPA defaults) on one trace, in
// simulated time: a step load 2k -> 20k -> 2k records/s over a model of workers that each process the per-worker rate
// measured first on our own worker (measure-worker-rate.ts: a real ingest worker works off a backlog, the rate is
// the controller's estimate from its busy metrics), or --worker-rate records/s when given (see autoscale-sim-model.ts). Prints for each: recoverSeconds (from the step up until the lag is
// back under the set point for good), peakLag, workerMinutes and scaleActions. KEDA runs with its documented
// default lagThreshold (10) and, for a comparison at equal cost, with the lagThreshold of a sweep whose
// worker-minutes are the lowest at or above ours: that is "keda". `--json`: { "ours": {...}, "keda": {...} }.
import { parseArgs } from "node:util";
import {
  autoscaleOptions,
  DEFAULT_KEDA_OPTIONS,
  INITIAL_KEDA_STATE,
  type KedaState,
  planKeda,
  planScale,
  type ScaleState,
} from "@facsimile/autoscale";
import { type Decider, type SimOptions, type SimResult, simulate } from "./autoscale-sim-model.js";
import { measureWorkerRate } from "./measure-worker-rate.js";
import type { BenchReport } from "./report.js";

const SWEEP = [10, 100, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

export default async function run(argv: readonly string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      "worker-rate": { type: "string" },
      partitions: { type: "string" },
      "set-point": { type: "string", default: "20000" },
      "low-rate": { type: "string", default: "2000" },
      "high-rate": { type: "string", default: "20000" },
    },
    strict: false,
  });
  const given = values["worker-rate"];
  const measured = typeof given === "string" ? undefined : await measureWorkerRate();
  const workerRate = measured?.recordsPerSecond ?? Number(given);
  const high = Number(values["high-rate"]);
  // Default: 12 partitions, or enough that the high rate fits at 2/3 of the (measured) per-worker rate.
  const partitions =
    typeof values.partitions === "string"
      ? Number(values.partitions)
      : Math.max(12, Math.ceil((high / workerRate) * 1.5));
  const sim: SimOptions = {
    partitions,
    workerRate,
    startupSeconds: 20,
    rebalanceSeconds: 5,
    inFlightSeconds: 0.5,
    initialWorkers: 1,
  };
  const setPoint = Number(values["set-point"]);
  const low = Number(values["low-rate"]);
  // 5 min at 2k/s, 10 min at 20k/s, 15 min at 2k/s.
  const stepAt = 300;
  const trace = [
    ...new Array<number>(stepAt).fill(low),
    ...new Array<number>(600).fill(high),
    ...new Array<number>(900).fill(low),
  ];

  const controller = autoscaleOptions({ lagSetPoint: setPoint });
  let ourState: ScaleState = {};
  const ours: Decider = {
    every: 15,
    decide(now, current, workers) {
      const plan = planScale({ now, current, partitions: sim.partitions, workers }, ourState, controller);
      ourState = plan.state;
      return plan.desired;
    },
  };
  const keda = (lagThreshold: number): Decider => {
    let state: KedaState = INITIAL_KEDA_STATE;
    const o = { ...DEFAULT_KEDA_OPTIONS, lagThreshold };
    return {
      every: 15,
      decide(now, current, _workers, lag) {
        const plan = planKeda({ now, lag, current, partitions: sim.partitions }, state, o);
        state = plan.state;
        return plan.desired;
      },
    };
  };

  const oursResult = simulate(trace, stepAt, setPoint, ours, sim);
  const sweep = SWEEP.map((t) => ({ lagThreshold: t, ...simulate(trace, stepAt, setPoint, keda(t), sim) }));
  const atOrAbove = sweep.filter((k) => k.workerMinutes >= oursResult.workerMinutes);
  const matched =
    atOrAbove.length > 0
      ? atOrAbove.reduce((a, b) => (b.workerMinutes < a.workerMinutes ? b : a))
      : sweep.reduce((a, b) => (b.workerMinutes > a.workerMinutes ? b : a));
  const kedaDefault = sweep[0] as SimResult & { lagThreshold: number };
  const beats =
    oursResult.recoverSeconds < matched.recoverSeconds && oursResult.workerMinutes <= matched.workerMinutes;

  const row = (name: string, r: SimResult): string =>
    `  ${name.padEnd(34)} recover ${String(r.recoverSeconds).padStart(4)} s  peak lag ${String(r.peakLag).padStart(9)}  ` +
    `worker-minutes ${r.workerMinutes.toFixed(1).padStart(6)}  scale actions ${String(r.scaleActions).padStart(3)}  max ${r.maxWorkers}`;
  const text = [
    `autoscale-sim: step ${low} -> ${high} -> ${low} records/s (300 s, 600 s, 900 s), ${sim.partitions} partitions, ` +
      `${sim.workerRate} records/s per worker ${
        measured === undefined
          ? "(given)"
          : `(measured: one ingest worker, ${measured.records} records, median of ${measured.samples} busy-metric ` +
            `estimates; records_in_total / busy_seconds_total ${measured.cumulativePerSecond}/s)`
      }, start-up ${sim.startupSeconds} s, rebalance ${sim.rebalanceSeconds} s, ` +
      `set point ${setPoint}, decisions every 15 s`,
    row("ours (planScale defaults)", oursResult),
    row(`keda lagThreshold ${matched.lagThreshold} (equal cost)`, matched),
    row(`keda lagThreshold 10 (default)`, kedaDefault),
    "  sweep of KEDA's lagThreshold:",
    ...sweep.map((k) => row(`    ${k.lagThreshold}`, k)),
    `  ours recovers ${beats ? "faster" : "NOT faster"} than KEDA at equal or more worker-minutes ` +
      `(${oursResult.recoverSeconds} s vs ${matched.recoverSeconds} s, ${oursResult.workerMinutes} vs ${matched.workerMinutes} worker-minutes)`,
  ].join("\n");
  const pick = (r: SimResult) => ({
    recoverSeconds: r.recoverSeconds,
    peakLag: r.peakLag,
    workerMinutes: r.workerMinutes,
    scaleActions: r.scaleActions,
  });
  return {
    bench: "autoscale-sim",
    options: { ...sim, setPoint, low, high, workerRateMeasured: measured !== undefined },
    figures: [],
    text,
    json: {
      ours: pick(oursResult),
      keda: { ...pick(matched), lagThreshold: matched.lagThreshold },
      kedaDefault: { ...pick(kedaDefault), lagThreshold: 10 },
      oursBeatsKeda: beats,
      workerRate: measured ?? { recordsPerSecond: sim.workerRate, given: true },
    },
  };
}
