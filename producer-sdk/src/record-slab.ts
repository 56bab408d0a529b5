// Where the producer writes its records: consecutive slices of large slabs instead of one allocation per record
// (Node's own pool hands out 8 KiB at a time, so a 1 KiB record cost an allocation every few records, and the
// garbage collector felt each). A slab is never reused: it is dropped once full and lives until the last record
// cut from it is gone (the transport copies record bytes into its request, so that is right after the send).
// Records larger than an eighth of a slab get a buffer of their own.

export interface RecordSlabOptions {
  readonly slabBytes: number;
}

export const DEFAULT_RECORD_SLAB_OPTIONS: Readonly<RecordSlabOptions> = Object.freeze({
  slabBytes: 1024 * 1024,
});

export class RecordSlab {
  private slab: Buffer | undefined;
  private used = 0;
  private readonly slabBytes: number;

  constructor(options: Partial<RecordSlabOptions> = {}) {
    this.slabBytes = options.slabBytes ?? DEFAULT_RECORD_SLAB_OPTIONS.slabBytes;
  }

  /** A buffer of `size` bytes, uninitialised (the encoder writes every byte). */
  readonly allocate = (size: number): Buffer => {
    if (size > this.slabBytes >>> 3) return Buffer.allocUnsafeSlow(size);
    if (this.slab === undefined || this.used + size > this.slabBytes) {
      this.slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.used = 0;
    }
    const start = this.used;
    // 8-byte aligned starts, as Node's pool does.
    this.used = (start + size + 7) & ~7;
    return this.slab.subarray(start, start + size);
  };
}
