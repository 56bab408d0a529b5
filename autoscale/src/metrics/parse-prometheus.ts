// Reads the Prometheus text exposition format (what `facsimile ingest --metrics-port` serves) into samples:
// name, labels, value. Comments and blank lines are skipped; a line that is not a sample is a typed error.
import { AutoscaleError } from "../errors.js";

export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

function unescapeLabel(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

function parseValue(text: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

export function parsePrometheus(text: string, source = "metrics"): MetricSample[] {
  const out: MetricSample[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    const value = m === null ? Number.NaN : parseValue(m[3] as string);
    if (m === null || (Number.isNaN(value) && m[3] !== "NaN"))
      throw new AutoscaleError(
        "AUTOSCALE_METRICS",
        `${source} line ${i + 1} is not a sample: ${line.slice(0, 120)}`,
        {
          context: { source, line: i + 1 },
        },
      );
    const labels: Record<string, string> = {};
    const body = m[2] ?? "";
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const start = LABEL.lastIndex;
      const l = LABEL.exec(body);
      if (l === null) {
        if (body.slice(start).trim() === "") break;
        throw new AutoscaleError(
          "AUTOSCALE_METRICS",
          `${source} line ${i + 1} has malformed labels: ${line.slice(0, 120)}`,
          {
            context: { source, line: i + 1 },
          },
        );
      }
      labels[l[1] as string] = unescapeLabel(l[2] as string);
    }
    out.push({ name: m[1] as string, labels, value });
  }
  return out;
}
