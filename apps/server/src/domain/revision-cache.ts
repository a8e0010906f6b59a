/**
 * What the server computes from an assessment's answers (scorecard, checklist), cached by
 * (key, revision). The revision is raised in the same transaction as every change, and read with
 * the assessment on each request, so a cached value is never stale — on one instance or many.
 * Least recently used entries are dropped beyond `max`.
 */
export class RevisionCache<T> {
  readonly #entries = new Map<string, { revision: number; value: T }>();
  constructor(readonly max = 500) {}

  get(key: string, revision: number): T | undefined {
    const e = this.#entries.get(key);
    if (!e || e.revision !== revision) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  set(key: string, revision: number, value: T): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { revision, value });
  }

  get size(): number {
    return this.#entries.size;
  }
}
