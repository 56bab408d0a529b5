// What a benchmark hands back: its figures, each with the baseline of the same run it is compared with and the
// ratio, plus the target the figure is tracked against where there is one. The runner prints the text, or with
// `--json` one JSON object per benchmark (so figures can be tracked over time). Values only; no I/O.

export interface Figure {
  /** What was measured, e.g. "Kafka -> merged tables". */
  readonly name: string;
  readonly value: number;
  /** "records/s", "s", "x", "MiB", ... */
  readonly unit: string;
  /** The figure of the same run this one is a ratio of (its name); absent for a baseline itself. */
  readonly baseline?: string;
  /** value / baseline value (or the inverse where a smaller value is better: see `better`). */
  readonly ratio?: number;
  /** Which way is better: "higher" (throughput) or "lower" (latency, bytes). */
  readonly better?: "higher" | "lower";
  /** The target, in words and as a check on the figure (undefined: no target). */
  readonly target?: string;
  readonly met?: boolean;
}

export interface BenchReport {
  readonly bench: string;
  /** The sizes and flags the benchmark ran with. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly figures: readonly Figure[];
  /** The human-readable lines. */
  readonly text: string;
  /** With `--json`, printed instead of { bench, options, figures } (a bench with a JSON shape of its own). */
  readonly json?: unknown;
}

/** A figure compared with a baseline figure of the same run. */
export function ratioFigure(
  name: string,
  value: number,
  unit: string,
  baseline: { readonly name: string; readonly value: number },
  extra: Pick<Figure, "better" | "target" | "met"> = {},
): Figure {
  return { name, value, unit, baseline: baseline.name, ratio: value / baseline.value, ...extra };
}

/** Formats a figure as one line: name, value, ratio against its baseline, target and whether it is met. */
export function figureLine(f: Figure, width = 44): string {
  const value =
    f.unit === "records/s" || f.unit === "rows/s"
      ? `${Math.round(f.value).toLocaleString("en-US")} ${f.unit}`
      : `${f.value.toFixed(f.value >= 100 ? 0 : 2)} ${f.unit}`;
  const ratio =
    f.ratio !== undefined
      ? ` = ${f.ratio.toFixed(3)} x ${f.baseline}`
      : f.better === undefined
        ? " (baseline)"
        : "";
  const target =
    f.target === undefined ? "" : `  [target ${f.target}: ${f.met === true ? "met" : "NOT met"}]`;
  return `  ${f.name.padEnd(width)} ${value}${ratio}${target}`;
}

/**
 * Memory of this process, sampled: the highest RSS seen between start and stop(), in MiB, and the JS heap
 * (V8 heap plus the buffers it tracks) at that moment, so the rest can be told apart (DuckDB's native memory).
 */
export function rssSampler(everyMs = 200): { stop(): number; readonly jsAtPeakMiB: number } {
  let max = 0;
  let js = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss > max) {
      max = m.rss;
      js = m.heapTotal + m.external;
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return max / 1024 / 1024;
    },
    get jsAtPeakMiB() {
      return js / 1024 / 1024;
    },
  };
}
