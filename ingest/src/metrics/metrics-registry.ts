// A small Prometheus metrics registry: counters, gauges and histograms with labels, rendered in the text
// exposition format (version 0.0.4). In-process values only: it never opens a port (serve-metrics.ts does).

export type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  render(lines: string[]): void;
}

function labelText(labels: Labels, extra?: readonly [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function escapeLabel(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(n);
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export class Counter implements Family {
  readonly type = "counter";
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = keyOf(labels);
    const entry = this.values.get(k);
    if (entry === undefined) this.values.set(k, { labels, value: by });
    else entry.value += by;
  }

  get(labels: Labels = {}): number {
    return this.values.get(keyOf(labels))?.value ?? 0;
  }

  render(lines: string[]): void {
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(labels)} ${formatNumber(value)}`);
  }
}

export class Gauge implements Family {
  readonly type = "gauge";
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(labels: Labels, value: number): void {
    this.values.set(keyOf(labels), { labels, value });
  }

  get(labels: Labels = {}): number | undefined {
    return this.values.get(keyOf(labels))?.value;
  }

  /** Forgets every series (e.g. lag of partitions no longer owned). */
  clear(): void {
    this.values.clear();
  }

  render(lines: string[]): void {
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(labels)} ${formatNumber(value)}`);
  }
}

interface HistogramSeries {
  readonly labels: Labels;
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram implements Family {
  readonly type = "histogram";
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds, ascending; +Inf is implied. */
    readonly buckets: readonly number[],
  ) {}

  /** The series of the last observe() call, by the identity of its labels object (a caller observing many values
   * with one labels object finds its series without building the key again). */
  private last: { readonly labels: Labels; readonly series: HistogramSeries } | undefined;

  observe(labels: Labels, value: number): void {
    let s = this.last?.labels === labels ? this.last.series : undefined;
    if (s === undefined) {
      const k = keyOf(labels);
      s = this.series.get(k);
      if (s === undefined) {
        s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
        this.series.set(k, s);
      }
      this.last = { labels, series: s };
    }
    let lo = 0;
    let hi = this.buckets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (value <= (this.buckets[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    if (lo < this.buckets.length) s.counts[lo] = (s.counts[lo] as number) + 1;
    s.sum += value;
    s.count += 1;
  }

  /** Observations and their sum, for tests and summaries. */
  totals(labels: Labels = {}): { count: number; sum: number } {
    const s = this.series.get(keyOf(labels));
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
  }

  /**
   * The q-quantile estimated from the buckets (linear inside a bucket, as Prometheus' histogram_quantile does);
   * undefined without observations.
   */
  quantile(q: number, labels: Labels = {}): number | undefined {
    const s = this.series.get(keyOf(labels));
    if (s === undefined || s.count === 0) return undefined;
    const rank = q * s.count;
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const c = s.counts[i] as number;
      if (seen + c >= rank) {
        const lower = i === 0 ? 0 : (this.buckets[i - 1] as number);
        const upper = this.buckets[i] as number;
        return c === 0 ? upper : lower + ((upper - lower) * (rank - seen)) / c;
      }
      seen += c;
    }
    return this.buckets[this.buckets.length - 1];
  }

  render(lines: string[]): void {
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += s.counts[i] as number;
        lines.push(
          `${this.name}_bucket${labelText(s.labels, ["le", formatNumber(this.buckets[i] as number)])} ${cumulative}`,
        );
      }
      lines.push(`${this.name}_bucket${labelText(s.labels, ["le", "+Inf"])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
  }
}

export class MetricsRegistry {
  private readonly families: Family[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /** The exposition text of every metric. */
  render(): string {
    const lines: string[] = [];
    for (const f of this.families) {
      lines.push(`# HELP ${f.name} ${f.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`);
      lines.push(`# TYPE ${f.name} ${f.type}`);
      f.render(lines);
    }
    return `${lines.join("\n")}\n`;
  }

  private add<F extends Family>(family: F): F {
    if (this.families.some((f) => f.name === family.name))
      throw new Error(`metric ${family.name} is registered twice`);
    this.families.push(family);
    return family;
  }
}
