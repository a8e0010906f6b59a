/**
 * Exact amounts: decimal strings to satoshis as bigint, never through a float. "1.5" and
 * "1.5 BTC" are bitcoin (at most 8 decimals), "150000 sat" / "150000 sats" are satoshis.
 */

export const SATS_PER_BTC = 100_000_000n;
/** 21 million BTC: no valid amount is larger (consensus MAX_MONEY). */
export const MAX_MONEY = 21_000_000n * SATS_PER_BTC;

/** Why an amount string is not one, or undefined when it is fine. */
export type AmountResult = { ok: true; sats: bigint } | { ok: false; message: string };

/**
 * Parses an amount. `unit` says what a bare number means: 'btc' (policy and history files) or
 * 'sat'. A suffix (`BTC`, `sat`, `sats`) always wins.
 * @example parseAmount('1.5') // { ok: true, sats: 150000000n }
 */
export function parseAmount(text: string, unit: 'btc' | 'sat' = 'btc'): AmountResult {
  const m = /^\s*(\d{1,16})(?:\.(\d{1,8}))?\s*(btc|sats?)?\s*$/i.exec(text);
  if (!m) {
    const tooPrecise = /^\s*\d+\.\d{9,}\s*(btc)?\s*$/i.test(text);
    return { ok: false, message: tooPrecise ? `${JSON.stringify(text)} has more than 8 decimals (1 satoshi = 0.00000001 BTC)` : `${JSON.stringify(text)} is not an amount (write "1.5" or "1.5 BTC" for bitcoin, "150000 sat" for satoshis)` };
  }
  const suffix = m[3]?.toLowerCase();
  const asSat = suffix === undefined ? unit === 'sat' : suffix !== 'btc';
  let sats: bigint;
  if (asSat) {
    if (m[2] !== undefined) return { ok: false, message: `${JSON.stringify(text)}: satoshis are whole numbers` };
    sats = BigInt(m[1]!);
  } else sats = BigInt(m[1]!) * SATS_PER_BTC + BigInt((m[2] ?? '').padEnd(8, '0'));
  if (sats > MAX_MONEY) return { ok: false, message: `${JSON.stringify(text)} is more than 21,000,000 BTC` };
  return { ok: true, sats };
}

/** Formats satoshis as a BTC decimal string without trailing zeros ("1.5", "0.00012"). */
export function formatBtc(sats: bigint): string {
  const neg = sats < 0n;
  const a = neg ? -sats : sats;
  const whole = a / SATS_PER_BTC;
  const frac = (a % SATS_PER_BTC).toString().padStart(8, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** A non-negative decimal as an exact fraction num/den ("2.5" → 25/10), or undefined. */
export function parseDecimal(text: string, maxDecimals = 8): { num: bigint; den: bigint } | undefined {
  const m = new RegExp(`^\\s*(\\d{1,12})(?:\\.(\\d{1,${maxDecimals}}))?\\s*$`).exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return { num: BigInt(m[1]! + frac), den: 10n ** BigInt(frac.length) };
}

/** ceil(a / b) for non-negative bigints. */
export const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
