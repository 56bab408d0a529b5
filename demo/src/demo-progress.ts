// Live progress of the demo on stderr: on a terminal, one bar line redrawn in place (records published and
// records ingested against the plan's total); elsewhere (CI logs, pipes, tests), a plain line now and then.
// Step lines (what just finished) are printed above the bar. It only writes; it never reads the pipeline itself.
import { formatCount, formatSeconds } from "./text-format.js";

export interface ProgressOptions {
  readonly ttyIntervalMs: number;
  readonly plainIntervalMs: number;
  /** Characters of each bar. */
  readonly barWidth: number;
}

export const DEFAULT_PROGRESS_OPTIONS: Readonly<ProgressOptions> = Object.freeze({
  ttyIntervalMs: 100,
  plainIntervalMs: 2_000,
  barWidth: 20,
});

export interface ProgressSample {
  readonly published: number;
  readonly ingested: number;
  readonly total: number;
}

function bar(done: number, total: number, width: number): string {
  const filled = total <= 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

export class DemoProgress {
  private readonly o: ProgressOptions;
  private timer: NodeJS.Timeout | undefined;
  private sample: (() => ProgressSample) | undefined;
  private started = 0;
  private drawn = false;
  private lastPlain = "";

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    options: Partial<ProgressOptions> = {},
  ) {
    this.o = { ...DEFAULT_PROGRESS_OPTIONS, ...options };
  }

  /** A line about a finished step, above the bar. */
  step(line: string): void {
    this.clear();
    this.write(`${line}\n`);
    if (this.sample !== undefined && this.tty) this.render();
  }

  /** Starts showing what `sample` reports until stop(). */
  track(sample: () => ProgressSample): void {
    this.sample = sample;
    this.started = performance.now();
    this.render();
    this.timer = setInterval(() => this.render(), this.tty ? this.o.ttyIntervalMs : this.o.plainIntervalMs);
    this.timer.unref();
  }

  /** Draws the final state and stops redrawing. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.sample === undefined) return;
    this.render();
    if (this.tty) this.write("\n");
    this.drawn = false;
    this.sample = undefined;
  }

  private clear(): void {
    if (this.tty && this.drawn) this.write("\r\x1b[2K");
    this.drawn = false;
  }

  private render(): void {
    if (this.sample === undefined) return;
    const s = this.sample();
    const elapsed = formatSeconds((performance.now() - this.started) / 1000);
    if (this.tty) {
      const w = this.o.barWidth;
      this.write(
        `\r\x1b[2Kpublish ${bar(s.published, s.total, w)} ${formatCount(s.published)}/${formatCount(s.total)}  ` +
          `ingest ${bar(s.ingested, s.total, w)} ${formatCount(s.ingested)}/${formatCount(s.total)}  ${elapsed}`,
      );
      this.drawn = true;
      return;
    }
    const text = `published ${formatCount(s.published)}/${formatCount(s.total)}, ingested ${formatCount(s.ingested)}/${formatCount(s.total)}`;
    if (text === this.lastPlain) return;
    this.lastPlain = text;
    this.write(`demo: ${text} (${elapsed})\n`);
  }
}
