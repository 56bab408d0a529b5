// What the controller reads of one worker at one moment: its scraped metrics, reduced to numbers.

export interface PartitionLag {
  readonly partition: number;
  readonly lag: number;
}

export interface WorkerSample {
  readonly id: string;
  /** Lag of the partitions the worker owns. */
  readonly lag: readonly PartitionLag[];
  /** Records consumed per second (the worker's recent window). */
  readonly inPerSecond: number;
  /** Records merged into the targets per second. */
  readonly outPerSecond: number;
  /** Share of wall time spent handling batches, 0..1. */
  readonly busyRatio: number;
}

/** Total lag over partitions; a partition reported by two workers (mid-rebalance) counts once, at its largest. */
export function totalLag(workers: readonly WorkerSample[]): number {
  const byPartition = new Map<number, number>();
  for (const w of workers)
    for (const { partition, lag } of w.lag)
      byPartition.set(partition, Math.max(lag, byPartition.get(partition) ?? 0));
  let sum = 0;
  for (const lag of byPartition.values()) sum += lag;
  return sum;
}
