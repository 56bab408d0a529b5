// How the demo delivers its workload: every change at least once, some twice, all in a shuffled order, from the
// delivery seed alone. A plan is a list of indexes into the workload's changes, so two plans of one workload
// deliver the same changes and differ only in order and duplicates, which last-writer-wins makes irrelevant.
import { createDice } from "./seeded-dice.js";

export interface DeliveryPlanOptions {
  readonly seed: number;
  /** Share of changes delivered twice (an at-least-once producer retrying after a lost acknowledgement). */
  readonly duplicateShare: number;
  /** Deliver in a random order; else change by change, as generated. */
  readonly shuffle: boolean;
}

export const DEFAULT_DELIVERY_PLAN_OPTIONS: Readonly<DeliveryPlanOptions> = Object.freeze({
  seed: 1,
  duplicateShare: 0.1,
  shuffle: true,
});

export interface DeliveryPlan {
  /** Indexes into the workload's changes, in delivery order; an index appears once or twice. */
  readonly order: readonly number[];
  readonly duplicates: number;
}

export function planDelivery(changes: number, options: Partial<DeliveryPlanOptions> = {}): DeliveryPlan {
  const o = { ...DEFAULT_DELIVERY_PLAN_OPTIONS, ...options };
  // Mixed with a constant so that equal workload and delivery seeds still draw unrelated streams.
  const dice = createDice((o.seed ^ 0x9e3779b9) >>> 0);
  const order: number[] = [];
  let duplicates = 0;
  for (let i = 0; i < changes; i++) {
    order.push(i);
    if (dice.chance(o.duplicateShare)) {
      order.push(i);
      duplicates++;
    }
  }
  if (o.shuffle) dice.shuffle(order);
  return { order, duplicates };
}
