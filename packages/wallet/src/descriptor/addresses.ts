/**
 * Address derivation for index ranges, each address built twice (our script assembly and
 * @scure/btc-signer's builders) and compared, and the BIP 389 multipath expansion.
 */
import { bytesEqual, toHex } from '../bytes.js';
import { descriptorError, WalletError } from '../errors.js';
import { NotCrossCheckable, scureOutput } from './cross-check.js';
import { KeyDeriver, outputScript, scriptAddress, type Network } from './derive.js';
import { keysOf, parseDescriptor, pickNode, type Descriptor } from './parse.js';

/** One derived output. */
export interface DerivedAddress {
  /** Which BIP 389 alternative (0 for `<0;…>`, usually receive; 1 usually change). */
  path: number;
  index: number;
  scriptPubKey: string;
  /** Undefined for scripts without an address (bare multisig, raw). */
  address: string | undefined;
  /** `agree` when @scure/btc-signer built the same script and address; otherwise why it was not checked. */
  crossCheck: 'agree' | { notChecked: string };
}

export interface DeriveOptions {
  network?: Network;
  /** First child index (default 0). */
  from?: number;
  /** How many indices (default 1; ignored by descriptors without a wildcard). */
  count?: number;
  /** Which multipath alternatives (default all). */
  paths?: number[];
}

/** Whether any key of the descriptor has a `/*` wildcard. */
export function isRanged(d: Descriptor): boolean {
  return keysOf(d.root).some((k) => k.wildcard !== 'none');
}

/**
 * Derives addresses of a descriptor and cross-checks each with a second implementation.
 * @example deriveAddresses(parseDescriptor('wsh(sortedmulti(2,xpubA/<0;1>/*,xpubB/<0;1>/*))'), { count: 10 })
 */
export function deriveAddresses(desc: Descriptor | string, opts: DeriveOptions = {}): DerivedAddress[] {
  const d = typeof desc === 'string' ? parseDescriptor(desc) : desc;
  const network = opts.network ?? 'mainnet';
  const from = opts.from ?? 0;
  const ranged = isRanged(d);
  const count = ranged ? (opts.count ?? 1) : 1;
  if (!Number.isInteger(from) || from < 0 || from + count > 0x80000000 || !Number.isInteger(count) || count < 0) throw new WalletError('DESCRIPTOR_DERIVE', `index range ${from}..${from + count - 1} is outside 0..2^31-1`);
  const paths = opts.paths ?? [...Array(d.paths).keys()];
  const out: DerivedAddress[] = [];
  for (const p of paths) {
    if (!Number.isInteger(p) || p < 0 || p >= d.paths) throw new WalletError('DESCRIPTOR_DERIVE', `the descriptor has ${d.paths} multipath alternative(s); ${p} does not exist`);
    const node = pickNode(d.root, p);
    const deriver = new KeyDeriver();
    for (let i = from; i < from + count; i++) {
      const idx = ranged ? i : 0;
      const script = outputScript(node, deriver, idx, network);
      const address = scriptAddress(script, network);
      let crossCheck: DerivedAddress['crossCheck'] = 'agree';
      try {
        const other = scureOutput(node, deriver, idx, network);
        if (!bytesEqual(other.script, script) || (address !== undefined && other.address !== undefined && other.address !== address)) {
          throw descriptorError('DESCRIPTOR_CROSS_CHECK', node.pos, `index ${idx}: our script ${toHex(script)} (${address}) differs from @scure/btc-signer's ${toHex(other.script)} (${other.address})`);
        }
      } catch (e) {
        if (!(e instanceof NotCrossCheckable)) throw e;
        crossCheck = { notChecked: e.message };
      }
      out.push({ path: p, index: idx, scriptPubKey: toHex(script), address, crossCheck });
    }
  }
  return out;
}

/** BIP 389: the single-path descriptor strings a multipath descriptor stands for (no checksums). */
export function expandMultipath(text: string): string[] {
  const d = parseDescriptor(text);
  if (d.paths === 1) return [d.body];
  return [...Array(d.paths).keys()].map((i) => d.body.replace(/<([^>]*)>/g, (_, inner: string) => inner.split(';')[i]!));
}
