/**
 * Output descriptor parser (BIP 380–386, multipath BIP 389). Recursive descent over the text with
 * the character position of every node, so every error names where it is. Input is
 * attacker-controlled: the length and the nesting depth are bounded, and every loop advances.
 */
import { fromHex } from '../bytes.js';
import { descriptorError } from '../errors.js';
import { splitChecksum } from './checksum.js';
import { multipathCount, parseKey, pickPath, type KeyContext, type KeyExpr } from './keys.js';

/** A script-producing node. `pos` is the 0-based offset of its name in the descriptor. */
export type DescNode =
  | { type: 'pk' | 'pkh' | 'wpkh'; pos: number; key: KeyExpr }
  | { type: 'multi' | 'sortedmulti' | 'multi_a' | 'sortedmulti_a'; pos: number; m: number; keys: KeyExpr[] }
  | { type: 'sh' | 'wsh'; pos: number; inner: DescNode }
  | { type: 'tr'; pos: number; key: KeyExpr; tree: TapTree | undefined }
  | { type: 'rawtr'; pos: number; key: KeyExpr }
  | { type: 'raw'; pos: number; script: Uint8Array }
  | { type: 'addr'; pos: number; address: string };

/** A BIP 386 script tree: a leaf script or a `{left,right}` branch. */
export type TapTree = DescNode | { type: 'branch'; pos: number; left: TapTree; right: TapTree };

/** A parsed descriptor. */
export interface Descriptor {
  /** The descriptor without `#checksum`. */
  body: string;
  checksum: string | undefined;
  root: DescNode;
  /** Number of BIP 389 alternatives (1 when there is no `<a;b>`). */
  paths: number;
}

/** Longest descriptor accepted (a 999-key sortedmulti_a of xpubs is ~120 kB). */
export const MAX_DESCRIPTOR_LENGTH = 200_000;
const MAX_DEPTH = 130; // BIP 341 allows 128 tree levels below tr()

type Ctx = 'top' | 'sh' | 'wsh' | 'tap';

/** Miniscript fragments and wrappers: valid descriptor language Keygrade does not evaluate. */
const MINISCRIPT = new Set(['pk_k', 'pk_h', 'older', 'after', 'sha256', 'hash256', 'ripemd160', 'hash160', 'and_v', 'and_b', 'and_n', 'or_b', 'or_c', 'or_d', 'or_i', 'andor', 'thresh', 'expr_raw', 'just_1', 'just_0', 'l', 'u']);

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(pos: number, msg: string): never {
    throw descriptorError('DESCRIPTOR_SYNTAX', pos, msg);
  }

  expect(ch: string): void {
    if (this.s[this.i] !== ch) this.fail(this.i, this.i >= this.s.length ? `unexpected end, expected "${ch}"` : `expected "${ch}", found ${JSON.stringify(this.s[this.i])}`);
    this.i++;
  }

  /** Reads a function name (`wsh`, `and_v`, `v:pk`…) and the opening parenthesis. */
  name(): { name: string; pos: number } {
    const pos = this.i;
    while (this.i < this.s.length && /[a-z0-9_:]/.test(this.s[this.i]!)) this.i++;
    const name = this.s.slice(pos, this.i);
    if (name === '') this.fail(pos, this.i >= this.s.length ? 'unexpected end, expected a script expression' : `expected a script expression, found ${JSON.stringify(this.s[pos])}`);
    if (this.s[this.i] !== '(') this.fail(this.i, `expected "(" after ${name}`);
    this.i++;
    return { name, pos };
  }

  /** Text up to the next "," or ")" at this level (a key expression or a number). */
  token(stop = ',)'): { text: string; pos: number } {
    const pos = this.i;
    while (this.i < this.s.length && !stop.includes(this.s[this.i]!) && this.s[this.i] !== '(' && this.s[this.i] !== '{' && this.s[this.i] !== '}') this.i++;
    return { text: this.s.slice(pos, this.i), pos };
  }

  key(ctx: KeyContext): KeyExpr {
    const t = this.token();
    return parseKey(t.text, t.pos, ctx);
  }

  script(ctx: Ctx, depth: number): DescNode {
    if (depth > MAX_DEPTH) this.fail(this.i, 'descriptor is nested too deeply');
    const { name, pos } = this.name();
    const segwit = ctx === 'wsh';
    const kc: KeyContext = { taproot: ctx === 'tap', compressedOnly: segwit };
    let node: DescNode;
    switch (name) {
      case 'pk':
      case 'pkh':
        node = { type: name, pos, key: this.key(kc) };
        break;
      case 'wpkh':
        if (ctx !== 'top' && ctx !== 'sh') this.fail(pos, `wpkh() is only allowed at the top level or inside sh(), not inside ${ctx === 'tap' ? 'tr()' : 'wsh()'}`);
        node = { type: 'wpkh', pos, key: this.key({ taproot: false, compressedOnly: true }) };
        break;
      case 'sh':
        if (ctx !== 'top') this.fail(pos, 'sh() is only allowed at the top level');
        node = { type: 'sh', pos, inner: this.script('sh', depth + 1) };
        break;
      case 'wsh':
        if (ctx !== 'top' && ctx !== 'sh') this.fail(pos, 'wsh() is only allowed at the top level or inside sh()');
        node = { type: 'wsh', pos, inner: this.script('wsh', depth + 1) };
        break;
      case 'multi':
      case 'sortedmulti':
      case 'multi_a':
      case 'sortedmulti_a':
        node = this.multi(name, pos, ctx);
        break;
      case 'tr':
      case 'rawtr':
        if (ctx !== 'top') this.fail(pos, `${name}() is only allowed at the top level`);
        node = name === 'tr' ? this.tr(pos, depth) : { type: 'rawtr', pos, key: this.key({ taproot: true, compressedOnly: true }) };
        break;
      case 'raw':
      case 'addr': {
        if (ctx !== 'top') this.fail(pos, `${name}() is only allowed at the top level`);
        const t = this.token();
        if (name === 'addr') {
          if (!/^[a-zA-Z0-9]{14,90}$/.test(t.text)) this.fail(t.pos, 'addr() needs a Bitcoin address');
          node = { type: 'addr', pos, address: t.text };
        } else {
          if (!/^([0-9a-fA-F]{2})*$/.test(t.text)) this.fail(t.pos, 'raw() needs an even number of hex digits');
          node = { type: 'raw', pos, script: fromHex(t.text.toLowerCase()) };
        }
        break;
      }
      case 'combo':
        throw descriptorError('DESCRIPTOR_UNSUPPORTED', pos, 'combo() (several output types at once) is not supported: write one descriptor per output type');
      default:
        if (name.includes(':') || MINISCRIPT.has(name)) throw descriptorError('DESCRIPTOR_UNSUPPORTED', pos, `miniscript fragment ${JSON.stringify(name)} is not supported (only pk, pkh, multi, sortedmulti, multi_a and sortedmulti_a)`);
        this.fail(pos, `unknown script expression ${JSON.stringify(name)}`);
    }
    this.expect(')');
    return node;
  }

  multi(type: 'multi' | 'sortedmulti' | 'multi_a' | 'sortedmulti_a', pos: number, ctx: Ctx): DescNode {
    const tap = type.endsWith('_a');
    if (tap && ctx !== 'tap') this.fail(pos, `${type}() is only allowed in a tr() script tree`);
    if (!tap && ctx === 'tap') this.fail(pos, `${type}() is not allowed in tapscript; use ${type}_a()`);
    const t = this.token();
    if (!/^[1-9]\d{0,3}$/.test(t.text)) this.fail(t.pos, t.text === '0' ? 'threshold must be at least 1' : `threshold ${JSON.stringify(t.text)} is not a positive decimal number`);
    const m = Number(t.text);
    const keys: KeyExpr[] = [];
    while (this.s[this.i] === ',') {
      this.i++;
      keys.push(this.key({ taproot: tap, compressedOnly: ctx === 'wsh' }));
      if (keys.length > 999) this.fail(this.i, 'more than 999 keys');
    }
    // Key-count limits: 16 (OP_CHECKMULTISIG outside wsh, Core's policy), 20 (wsh), 999 (BIP 387).
    const max = tap ? 999 : ctx === 'wsh' ? 20 : 16;
    if (keys.length === 0) this.fail(this.i, `${type}() needs at least one key`);
    if (keys.length > max) this.fail(pos, `${type}() allows at most ${max} keys here, got ${keys.length}`);
    if (m > keys.length) this.fail(t.pos, `threshold ${m} is larger than the number of keys (${keys.length})`);
    return { type, pos, m, keys };
  }

  tr(pos: number, depth: number): DescNode {
    const key = this.key({ taproot: true, compressedOnly: true });
    let tree: TapTree | undefined;
    if (this.s[this.i] === ',') {
      this.i++;
      tree = this.tree(depth + 1);
    }
    return { type: 'tr', pos, key, tree };
  }

  tree(depth: number): TapTree {
    if (depth > MAX_DEPTH) this.fail(this.i, 'script tree is nested too deeply (BIP 341 allows 128 levels)');
    if (this.s[this.i] !== '{') return this.script('tap', depth + 1);
    const pos = this.i++;
    const left = this.tree(depth + 1);
    this.expect(',');
    const right = this.tree(depth + 1);
    this.expect('}');
    return { type: 'branch', pos, left, right };
  }
}

/** Every key expression in a node, in descriptor order. */
export function keysOf(n: DescNode | TapTree): KeyExpr[] {
  switch (n.type) {
    case 'pk':
    case 'pkh':
    case 'wpkh':
    case 'rawtr':
      return [n.key];
    case 'multi':
    case 'sortedmulti':
    case 'multi_a':
    case 'sortedmulti_a':
      return n.keys;
    case 'sh':
    case 'wsh':
      return keysOf(n.inner);
    case 'tr':
      return [n.key, ...(n.tree ? keysOf(n.tree) : [])];
    case 'branch':
      return [...keysOf(n.left), ...keysOf(n.right)];
    default:
      return [];
  }
}

/**
 * Parses a descriptor, verifying its `#checksum` when present.
 * @example parseDescriptor('wpkh(02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9)')
 */
export function parseDescriptor(text: string): Descriptor {
  if (typeof text !== 'string' || text.length === 0) throw descriptorError('DESCRIPTOR_SYNTAX', 0, 'empty descriptor');
  if (text.length > MAX_DESCRIPTOR_LENGTH) throw descriptorError('DESCRIPTOR_SYNTAX', MAX_DESCRIPTOR_LENGTH, `descriptor longer than ${MAX_DESCRIPTOR_LENGTH} characters`);
  const { body, checksum } = splitChecksum(text);
  const p = new Parser(body);
  const root = p.script('top', 0);
  if (p.i !== body.length) p.fail(p.i, `unexpected ${JSON.stringify(body[p.i])} after the end of the descriptor`);
  checkNode(root);
  const counts = new Set(keysOf(root).map(multipathCount).filter((c) => c > 1));
  if (counts.size > 1) {
    const k = keysOf(root).find((x) => multipathCount(x) > 1 && multipathCount(x) !== [...counts][0])!;
    throw descriptorError('DESCRIPTOR_SYNTAX', k.pos, `multipath steps of different lengths (${[...counts].join(' and ')}) in one descriptor (BIP 389)`);
  }
  return { body, checksum, root, paths: counts.size === 0 ? 1 : [...counts][0]! };
}

/** Rules that need a whole node: P2SH's 520-byte redeem script limit (BIP 16). */
function checkNode(root: DescNode): void {
  if (root.type === 'sh' && (root.inner.type === 'multi' || root.inner.type === 'sortedmulti')) {
    const size = 3 + root.inner.keys.reduce((n, k) => n + 1 + (k.pubkey?.length ?? 33), 0);
    if (size > 520) throw descriptorError('DESCRIPTOR_SYNTAX', root.inner.pos, `the P2SH redeem script would be ${size} bytes, over the 520-byte limit (at most 15 compressed keys)`);
  }
}

/** Replaces every key's BIP 389 multipath step with alternative `i`. */
export function pickNode<T extends DescNode | TapTree>(n: T, i: number): T {
  const node = n as DescNode | TapTree;
  let out: DescNode | TapTree;
  switch (node.type) {
    case 'pk':
    case 'pkh':
    case 'wpkh':
    case 'rawtr':
      out = { ...node, key: pickPath(node.key, i) };
      break;
    case 'multi':
    case 'sortedmulti':
    case 'multi_a':
    case 'sortedmulti_a':
      out = { ...node, keys: node.keys.map((k) => pickPath(k, i)) };
      break;
    case 'sh':
    case 'wsh':
      out = { ...node, inner: pickNode(node.inner, i) };
      break;
    case 'tr':
      out = { ...node, key: pickPath(node.key, i), tree: node.tree ? pickNode(node.tree, i) : undefined };
      break;
    case 'branch':
      out = { ...node, left: pickNode(node.left, i), right: pickNode(node.right, i) };
      break;
    default:
      out = node;
  }
  return out as T;
}
