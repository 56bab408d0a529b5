// A bound on bytes in flight (accepted by publish, not yet acknowledged): acquire waits while the budget is
// spent, in arrival order. A single item larger than the whole budget is let through alone, never deadlocked.

export class ByteBudget {
  private used = 0;
  private readonly waiters: Array<{ bytes: number; go: () => void }> = [];

  constructor(readonly maxBytes: number) {}

  get inFlight(): number {
    return this.used;
  }

  /** Takes the bytes when they fit now and nobody waits before us (no promise, no microtask); else false. */
  tryAcquire(bytes: number): boolean {
    if (this.waiters.length > 0 || !this.fits(bytes)) return false;
    this.used += bytes;
    return true;
  }

  async acquire(bytes: number): Promise<void> {
    if (this.waiters.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return;
    }
    await new Promise<void>((go) => this.waiters.push({ bytes, go }));
  }

  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiters.length > 0) {
      const next = this.waiters[0] as { bytes: number; go: () => void };
      if (!this.fits(next.bytes)) break;
      this.waiters.shift();
      this.used += next.bytes;
      next.go();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.maxBytes;
  }
}
