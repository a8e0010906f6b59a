/**
 * Assets and exact decimal amounts. An amount such as "1.5" of an asset with 8 decimals is the
 * integer 150000000 in base units; conversion is exact (no floating point) and refuses anything
 * that does not fit an unsigned 128-bit integer.
 */
import { ReservesError, type ReservesErrorCode } from './errors.js';

/** An asset of a snapshot: its symbol and how many decimals one unit has. */
export interface Asset {
  symbol: string;
  decimals: number;
}

/** A symbol: a letter or digit, then letters, digits, `.`, `_` or `-` (at most 32 characters). */
export const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** 10^38 < 2^128 < 10^39: more decimals than 38 would leave no room for a single unit. */
export const MAX_DECIMALS = 38;

/** At most this many assets per snapshot (a leaf holds 16 bytes per asset). */
export const MAX_ASSETS = 64;

/** Checks one asset; returns a message when it is invalid. */
export function assetProblem(a: Asset): string | undefined {
  if (!SYMBOL.test(a.symbol)) return `asset symbol "${a.symbol}" must be 1–32 letters, digits, ".", "_" or "-", starting with a letter or digit`;
  if (!Number.isInteger(a.decimals) || a.decimals < 0 || a.decimals > MAX_DECIMALS) return `asset ${a.symbol}: decimals must be an integer from 0 to ${MAX_DECIMALS}`;
  return undefined;
}

/** Checks an asset list: valid entries, no symbol twice, 1 to {@link MAX_ASSETS} assets. */
export function checkAssets(assets: readonly Asset[]): void {
  if (assets.length === 0 || assets.length > MAX_ASSETS) throw new ReservesError('RESERVES_BAD_ASSETS', `a snapshot has 1 to ${MAX_ASSETS} assets (got ${assets.length})`);
  const seen = new Set<string>();
  for (const a of assets) {
    const p = assetProblem(a);
    if (p) throw new ReservesError('RESERVES_BAD_ASSETS', p);
    if (seen.has(a.symbol)) throw new ReservesError('RESERVES_BAD_ASSETS', `asset ${a.symbol} is listed twice`);
    seen.add(a.symbol);
  }
}

/**
 * Parses an asset list such as `BTC:8,ETH:18`. The order is the order of balances in every leaf.
 * @example parseAssetList('BTC:8,ETH:18') // [{ symbol: 'BTC', decimals: 8 }, { symbol: 'ETH', decimals: 18 }]
 */
export function parseAssetList(spec: string): Asset[] {
  const assets = spec.split(',').map((part) => {
    const m = /^\s*([^:\s]+)\s*:\s*(\d{1,2})\s*$/.exec(part);
    if (!m) throw new ReservesError('RESERVES_BAD_ASSETS', `"${part}" is not SYMBOL:DECIMALS (e.g. BTC:8)`);
    return { symbol: m[1]!, decimals: Number(m[2]) };
  });
  checkAssets(assets);
  return assets;
}

/** Why an amount was refused. */
export interface AmountProblem {
  code: Extract<ReservesErrorCode, 'RESERVES_BAD_AMOUNT' | 'RESERVES_TOO_MANY_DECIMALS' | 'RESERVES_NEGATIVE' | 'RESERVES_OVERFLOW'>;
  message: string;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * Parses a decimal amount (`123`, `0.5`, `1.50`; an empty text is 0) into base units and writes
 * it as a big-endian u128 at `out[offset..offset+16)`. Digits past the asset's decimals are
 * accepted only when they are zeros (the value stays exact). Returns the problem instead of
 * throwing, so a caller reading millions of rows can attach the file and line.
 *
 * Exact integer arithmetic in doubles: up to 15 digits the value itself stays below 2^53; longer
 * values run on eight 16-bit limbs, nine digits at a time, every product below 2^53.
 */
export function parseAmountInto(text: string, decimals: number, out: Uint8Array, offset: number): AmountProblem | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  out.fill(0, offset, offset + 16);
  if (start === end) return undefined;
  if (text.charCodeAt(start) === 45 /* - */) {
    if (!isDecimal(text, start + 1, end)) return { code: 'RESERVES_BAD_AMOUNT', message: `"${text.slice(start, end)}" is not a decimal amount` };
    return isZero(text, start + 1, end) ? undefined : { code: 'RESERVES_NEGATIVE', message: `negative amount ${text.slice(start, end)}` };
  }
  if (!isDecimal(text, start, end)) return { code: 'RESERVES_BAD_AMOUNT', message: `"${text.slice(start, end)}" is not a decimal amount (digits with an optional "." and digits)` };
  let dot = text.indexOf('.', start);
  if (dot < 0 || dot >= end) dot = end;
  const fracStart = Math.min(dot + 1, end);
  for (let i = fracStart + decimals; i < end; i++) {
    if (text.charCodeAt(i) !== 48) return { code: 'RESERVES_TOO_MANY_DECIMALS', message: `${text.slice(start, end)} has more than ${decimals} decimal${decimals === 1 ? '' : 's'}` };
  }
  let intStart = start;
  while (intStart < dot - 1 && text.charCodeAt(intStart) === 48) intStart++;
  const intDigits = dot - intStart;
  const total = intDigits + decimals;
  const fracEnd = Math.min(end, fracStart + decimals);
  // Digit d of the base-unit integer: integer digits, then exactly `decimals` fraction digits.
  const fracShift = fracStart - intDigits;
  if (total <= 15) {
    let v = 0;
    for (let d = 0; d < total; d++) v = v * 10 + (d < intDigits ? text.charCodeAt(intStart + d) - 48 : d + fracShift < fracEnd ? text.charCodeAt(d + fracShift) - 48 : 0);
    const hi = Math.floor(v / 0x1_0000_0000);
    const lo = v >>> 0;
    out[offset + 9] = hi >>> 16;
    out[offset + 10] = (hi >>> 8) & 0xff;
    out[offset + 11] = hi & 0xff;
    out[offset + 12] = lo >>> 24;
    out[offset + 13] = (lo >>> 16) & 0xff;
    out[offset + 14] = (lo >>> 8) & 0xff;
    out[offset + 15] = lo & 0xff;
    return undefined;
  }
  // 2^128 - 1 has 39 digits: more significant digits than that cannot fit.
  if (total > 39 && text.charCodeAt(intStart) !== 48) return overflow(text, start, end);
  // The first 15 digits fit a double exactly; split them into limbs, then fold in the rest.
  let head = 0;
  for (let d = 0; d < 15; d++) head = head * 10 + (d < intDigits ? text.charCodeAt(intStart + d) - 48 : d + fracShift < fracEnd ? text.charCodeAt(d + fracShift) - 48 : 0);
  let l0 = head & 0xffff;
  head = (head - l0) / 65536;
  let l1 = head & 0xffff;
  head = (head - l1) / 65536;
  let l2 = head & 0xffff;
  let l3 = (head - l2) / 65536;
  let l4 = 0, l5 = 0, l6 = 0, l7 = 0;
  for (let d = 15; d < total; ) {
    const len = Math.min(9, total - d);
    let c = 0;
    for (let e = d; e < d + len; e++) c = c * 10 + (e < intDigits ? text.charCodeAt(intStart + e) - 48 : e + fracShift < fracEnd ? text.charCodeAt(e + fracShift) - 48 : 0);
    d += len;
    const mul = POW10[len]!;
    let v: number;
    v = l0 * mul + c; l0 = v & 0xffff; c = (v - l0) / 65536;
    v = l1 * mul + c; l1 = v & 0xffff; c = (v - l1) / 65536;
    v = l2 * mul + c; l2 = v & 0xffff; c = (v - l2) / 65536;
    v = l3 * mul + c; l3 = v & 0xffff; c = (v - l3) / 65536;
    v = l4 * mul + c; l4 = v & 0xffff; c = (v - l4) / 65536;
    v = l5 * mul + c; l5 = v & 0xffff; c = (v - l5) / 65536;
    v = l6 * mul + c; l6 = v & 0xffff; c = (v - l6) / 65536;
    v = l7 * mul + c; l7 = v & 0xffff; c = (v - l7) / 65536;
    if (c !== 0) return overflow(text, start, end);
  }
  writeLimb(out, offset, l7);
  writeLimb(out, offset + 2, l6);
  writeLimb(out, offset + 4, l5);
  writeLimb(out, offset + 6, l4);
  writeLimb(out, offset + 8, l3);
  writeLimb(out, offset + 10, l2);
  writeLimb(out, offset + 12, l1);
  writeLimb(out, offset + 14, l0);
  return undefined;
}

function writeLimb(out: Uint8Array, at: number, limb: number): void {
  out[at] = limb >>> 8;
  out[at + 1] = limb & 0xff;
}

function overflow(text: string, start: number, end: number): AmountProblem {
  return { code: 'RESERVES_OVERFLOW', message: `${text.slice(start, end)} is too large: base units must stay below 2^128` };
}

/** digits, optionally followed by "." and at least one digit */
function isDecimal(text: string, start: number, end: number): boolean {
  let i = start;
  let digits = 0;
  while (i < end && isDigit(text.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (digits === 0) return false;
  if (i === end) return true;
  if (text.charCodeAt(i) !== 46) return false;
  i++;
  if (i === end) return false;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  return i === end;
}

function isZero(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Parses a decimal amount into base units, throwing a {@link ReservesError} when it is invalid.
 * @example parseAmount('1.5', 8) // 150000000n
 */
export function parseAmount(text: string, decimals: number): bigint {
  const buf = new Uint8Array(16);
  const p = parseAmountInto(text, decimals, buf, 0);
  if (p) throw new ReservesError(p.code, p.message);
  let v = 0n;
  for (const b of buf) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * Formats base units as a decimal amount without trailing zeros.
 * @example formatAmount(150000000n, 8) // '1.5'
 */
export function formatAmount(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}
