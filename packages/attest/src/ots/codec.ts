/**
 * The OpenTimestamps byte primitives (python-opentimestamps `core/serialize.py`): unsigned
 * LEB128 varuints and length-prefixed varbytes. Parsing is defensive (the file is attacker
 * input): every read is bounds-checked, varuints must be minimal and fit a safe integer, so
 * each value has exactly one encoding and parse then serialise gives back the same bytes.
 */
import { AttestError } from '../errors.js';

/** A cursor over untrusted bytes. */
export class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get offset(): number {
    return this.at;
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }

  /** Exactly n bytes, or OTS_MALFORMED at the end of the input. */
  bytesN(n: number, what: string): Uint8Array {
    if (this.at + n > this.bytes.length) throw malformed(this.at, `file ends inside ${what} (${n} bytes needed)`);
    const b = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return b;
  }

  byte(what: string): number {
    return this.bytesN(1, what)[0]!;
  }

  /** A minimal LEB128 varuint no larger than 2^53 - 1. */
  varuint(what: string): number {
    const start = this.at;
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte(what);
      value += (b & 0x7f) * scale;
      if (!Number.isSafeInteger(value)) throw malformed(start, `${what} is too large`);
      if ((b & 0x80) === 0) {
        if (b === 0 && this.at - start > 1) throw malformed(start, `${what} is not minimally encoded`);
        return value;
      }
      scale *= 128;
    }
  }

  /** A varuint length (min..max) then that many bytes. */
  varbytes(what: string, max: number, min = 0): Uint8Array {
    const at = this.at;
    const n = this.varuint(`${what} length`);
    if (n > max || n < min) throw malformed(at, `${what} is ${n} bytes; allowed ${min}-${max}`);
    return this.bytesN(n, what);
  }
}

/** A growing byte buffer. */
export class Writer {
  private readonly parts: number[] = [];

  byte(b: number): this {
    this.parts.push(b & 0xff);
    return this;
  }

  bytes(b: Uint8Array): this {
    for (const x of b) this.parts.push(x);
    return this;
  }

  varuint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new AttestError('OTS_MALFORMED', `cannot encode ${n} as a varuint`);
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      this.parts.push(b);
    } while (n > 0);
    return this;
  }

  varbytes(b: Uint8Array): this {
    return this.varuint(b.length).bytes(b);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function malformed(offset: number, why: string): AttestError {
  return new AttestError('OTS_MALFORMED', `.ots byte ${offset}: ${why}`);
}
