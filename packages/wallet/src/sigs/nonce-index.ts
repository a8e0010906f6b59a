/**
 * An index of ECDSA r values for millions of signatures: open addressing over typed arrays
 * (r bytes, a 2×u32 location per signature, a next-link per r group), about 52 bytes per
 * signature instead of a Map of hex strings. `add` returns the group a repeated r joins.
 */
export class NonceIndex {
  private slots: Int32Array;
  private mask: number;
  private rs: Uint8Array;
  private locs: Uint32Array;
  private next: Int32Array;
  /** Number of signatures added. */
  size = 0;
  /** Heads of groups with more than one signature. */
  readonly repeated = new Set<number>();

  constructor(expected = 1 << 16) {
    let cap = 1 << 4;
    while (cap < expected * 2) cap <<= 1;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.rs = new Uint8Array(expected * 32);
    this.locs = new Uint32Array(expected * 2);
    this.next = new Int32Array(expected).fill(-1);
  }

  private grow(): void {
    const cap = this.next.length * 2;
    const rs = new Uint8Array(cap * 32);
    rs.set(this.rs);
    this.rs = rs;
    const locs = new Uint32Array(cap * 2);
    locs.set(this.locs);
    this.locs = locs;
    const next = new Int32Array(cap).fill(-1);
    next.set(this.next);
    this.next = next;
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (const head of this.slots) {
      if (head < 0) continue;
      let h = this.hash(head * 32) & mask;
      while (slots[h] !== -1) h = (h + 1) & mask;
      slots[h] = head;
    }
    this.slots = slots;
    this.mask = mask;
  }

  private hash(off: number): number {
    const r = this.rs;
    return (r[off + 28]! | (r[off + 29]! << 8) | (r[off + 30]! << 16) | (r[off + 31]! << 24)) >>> 0;
  }

  private same(a: number, b: number): boolean {
    const r = this.rs;
    for (let i = 0; i < 32; i++) if (r[a + i] !== r[b + i]) return false;
    return true;
  }

  /** Adds r (32 bytes, big-endian) with a location; returns the id of the group head it joined, or -1. */
  add(r: Uint8Array, a: number, b: number): number {
    if (this.size === this.next.length) this.grow();
    const id = this.size++;
    const off = id * 32;
    this.rs.set(r, off);
    this.locs[id * 2] = a;
    this.locs[id * 2 + 1] = b;
    let h = this.hash(off) & this.mask;
    for (;;) {
      const head = this.slots[h]!;
      if (head === -1) {
        this.slots[h] = id;
        return -1;
      }
      if (this.same(head * 32, off)) {
        this.next[id] = this.next[head]!;
        this.next[head] = id;
        this.repeated.add(head);
        return head;
      }
      h = (h + 1) & this.mask;
    }
  }

  /** The locations of every signature in the group of `head`. */
  group(head: number): [number, number][] {
    const out: [number, number][] = [];
    for (let id = head; id !== -1; id = this.next[id]!) out.push([this.locs[id * 2]!, this.locs[id * 2 + 1]!]);
    return out;
  }

  /** The r value of a record as hex. */
  rHex(id: number): string {
    let s = '';
    for (let i = id * 32; i < id * 32 + 32; i++) s += this.rs[i]!.toString(16).padStart(2, '0');
    return s;
  }
}
