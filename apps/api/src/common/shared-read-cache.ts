/**
 * Values read from the database, each kept for a while. The cache holds a read's promise, so the
 * requests that find no fresh value while it is being read share that one read instead of each
 * making their own; a failed read is not kept, and the next request tries again.
 */
export class SharedReadCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; loadedAt: number }>();

  /**
   * @param ttlMs how long a value is used after its read started
   * @param maxEntries beyond this many keys, the cache starts again empty
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = Number.POSITIVE_INFINITY,
  ) {}

  /** The fresh value of `key`, or the one `read` gives (shared with concurrent callers). */
  get(key: string, read: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.loadedAt < this.ttlMs) return cached.value;
    const loading = { value: read(), loadedAt: Date.now() };
    if (this.entries.size > this.maxEntries) this.entries.clear();
    this.entries.set(key, loading);
    loading.value.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    return loading.value;
  }

  /** Forgets `key` (its value changed); a read under way still answers the callers that joined it. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
