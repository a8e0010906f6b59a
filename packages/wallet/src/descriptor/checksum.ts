/**
 * The BIP 380 descriptor checksum: 8 characters of the bech32 alphabet over a BCH code that
 * groups the descriptor's characters by INPUT_CHARSET position (BIP 380 "Checksum").
 */
import { descriptorError } from '../errors.js';

const INPUT_CHARSET = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn] as const;

function polymod(c: bigint, val: number): bigint {
  const c0 = c >> 35n;
  let r = ((c & 0x7ffffffffn) << 5n) ^ BigInt(val);
  for (let i = 0; i < 5; i++) if ((c0 >> BigInt(i)) & 1n) r ^= GENERATOR[i]!;
  return r;
}

/** The index of the first character outside INPUT_CHARSET, or -1. */
export function invalidCharAt(desc: string): number {
  for (let i = 0; i < desc.length; i++) if (!INPUT_CHARSET.includes(desc[i]!)) return i;
  return -1;
}

/**
 * The 8-character BIP 380 checksum of a descriptor without `#…`.
 * @example descriptorChecksum('raw(deadbeef)') // '89f8spxm'
 */
export function descriptorChecksum(desc: string): string {
  let c = 1n;
  let cls = 0;
  let count = 0;
  for (let i = 0; i < desc.length; i++) {
    const pos = INPUT_CHARSET.indexOf(desc[i]!);
    if (pos < 0) throw descriptorError('DESCRIPTOR_SYNTAX', i, `character ${JSON.stringify(desc[i])} is not allowed in a descriptor`);
    c = polymod(c, pos & 31);
    cls = cls * 3 + (pos >> 5);
    if (++count === 3) {
      c = polymod(c, cls);
      cls = 0;
      count = 0;
    }
  }
  if (count > 0) c = polymod(c, cls);
  for (let i = 0; i < 8; i++) c = polymod(c, 0);
  c ^= 1n;
  let out = '';
  for (let i = 0; i < 8; i++) out += CHECKSUM_CHARSET[Number((c >> BigInt(5 * (7 - i))) & 31n)];
  return out;
}

/**
 * Splits `desc#checksum`, verifying the checksum when present (BIP 380: optional, but when the
 * `#` is there it must be followed by exactly 8 valid characters that match).
 */
export function splitChecksum(text: string): { body: string; checksum: string | undefined } {
  const hash = text.indexOf('#');
  const bad = invalidCharAt(hash < 0 ? text : text.slice(0, hash));
  if (bad >= 0) throw descriptorError('DESCRIPTOR_SYNTAX', bad, `character ${JSON.stringify(text[bad])} is not allowed in a descriptor`);
  if (hash < 0) return { body: text, checksum: undefined };
  const body = text.slice(0, hash);
  const sum = text.slice(hash + 1);
  if (sum.length !== 8) throw descriptorError('DESCRIPTOR_CHECKSUM', hash, `the checksum after "#" must have 8 characters, not ${sum.length}`);
  for (let i = 0; i < 8; i++) if (!CHECKSUM_CHARSET.includes(sum[i]!)) throw descriptorError('DESCRIPTOR_CHECKSUM', hash + 1 + i, `${JSON.stringify(sum[i])} is not a checksum character`);
  const want = descriptorChecksum(body);
  if (want !== sum) throw descriptorError('DESCRIPTOR_CHECKSUM', hash + 1, `checksum mismatch: the descriptor's checksum is ${want}, not ${sum}`);
  return { body, checksum: sum };
}
