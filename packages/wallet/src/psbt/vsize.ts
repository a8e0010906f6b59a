/**
 * Transaction size estimates before signing (BIP 141 weight, vsize = ceil(weight / 4)). Each
 * input counts its outpoint, sequence and scriptSig at 4 weight units per byte and its witness
 * at 1; ECDSA signatures are counted at 72 bytes + the sighash byte (the DER maximum with high R,
 * so the estimate errs high), Schnorr signatures at 64 + 1.
 */
import { toHex } from '../bytes.js';
import { innerScript, type KeyDeriver } from '../descriptor/derive.js';
import type { DescNode, TapTree } from '../descriptor/parse.js';
import { NUMS_H } from '../descriptor/policy.js';

const ECDSA_SIG = 73;
const SCHNORR_SIG = 65;
const varint = (n: number) => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5);
const item = (n: number) => varint(n) + n;

/** Witness or scriptSig stack items that satisfy a leaf/inner script (the main spend path). */
function satisfaction(n: DescNode, pubLen: number): number[] {
  switch (n.type) {
    case 'pk':
      return [ECDSA_SIG];
    case 'pkh':
      return [ECDSA_SIG, pubLen];
    case 'multi':
    case 'sortedmulti':
      return [0, ...Array<number>(n.m).fill(ECDSA_SIG)];
    default:
      return [];
  }
}

/** Weight units of one input spending `node` (a single-path branch) at child `index`. */
export function inputWeight(node: DescNode, deriver: KeyDeriver, index: number): number {
  const base = 32 + 4 + 4; // outpoint, sequence
  const wit = (items: number[]) => varint(items.length) + items.reduce((s, x) => s + item(x), 0);
  switch (node.type) {
    case 'wpkh':
      return 4 * (base + 1) + wit([ECDSA_SIG, 33]);
    case 'pkh':
      return 4 * (base + 1 + item(ECDSA_SIG) + item(33));
    case 'sh': {
      if (node.inner.type === 'wpkh') return 4 * (base + 1 + item(22)) + wit([ECDSA_SIG, 33]);
      if (node.inner.type === 'wsh') {
        const ws = innerScript(node.inner.inner, deriver, index, false);
        return 4 * (base + 1 + item(34)) + wit([...satisfaction(node.inner.inner, 33), ws.length]);
      }
      const rs = innerScript(node.inner, deriver, index, false);
      const sig = [...satisfaction(node.inner, 33), rs.length].reduce((s, x) => s + item(x), 0);
      return 4 * (base + varint(sig) + sig);
    }
    case 'wsh': {
      const ws = innerScript(node.inner, deriver, index, false);
      return 4 * (base + 1) + wit([...satisfaction(node.inner, 33), ws.length]);
    }
    case 'tr': {
      const internal = deriver.pub(node.key, index, true);
      if (toHex(internal) !== NUMS_H || !node.tree) return 4 * (base + 1) + wit([SCHNORR_SIG]);
      // Script path through the first leaf: its signatures, the script and a control block.
      let depth = 0;
      let t: TapTree = node.tree;
      while (t.type === 'branch') {
        t = t.left;
        depth++;
      }
      const leaf = t as DescNode;
      const script = innerScript(leaf, deriver, index, true);
      const sigs = leaf.type === 'multi_a' || leaf.type === 'sortedmulti_a' ? [...Array<number>(leaf.m).fill(SCHNORR_SIG), ...Array<number>(leaf.keys.length - leaf.m).fill(0)] : [SCHNORR_SIG];
      return 4 * (base + 1) + wit([...sigs, script.length, 33 + 32 * depth]);
    }
    case 'rawtr':
      return 4 * (base + 1) + wit([SCHNORR_SIG]);
    default:
      return 4 * (base + 1 + 110);
  }
}

/** Whether spending `node` needs a witness (segwit marker and flag in the transaction). */
export function isSegwit(node: DescNode): boolean {
  return node.type === 'wpkh' || node.type === 'wsh' || node.type === 'tr' || node.type === 'rawtr' || (node.type === 'sh' && (node.inner.type === 'wpkh' || node.inner.type === 'wsh'));
}

/** Weight of one output paying `script`. */
export const outputWeight = (script: Uint8Array): number => 4 * (8 + item(script.length));

/** vsize of a transaction from its input weights and output scripts. */
export function estimateVsize(inputWeights: number[], outputScripts: Uint8Array[], segwit: boolean): number {
  const overhead = 4 * (4 + 4 + varint(inputWeights.length) + varint(outputScripts.length)) + (segwit ? 2 : 0);
  const w = overhead + inputWeights.reduce((s, x) => s + x, 0) + outputScripts.reduce((s, o) => s + outputWeight(o), 0);
  return Math.ceil(w / 4);
}
