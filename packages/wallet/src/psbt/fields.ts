/** BIP 174 / 370 / 371 key-type names, so decoder errors name the field a byte belongs to. */

const GLOBAL: Record<number, string> = {
  0x00: 'PSBT_GLOBAL_UNSIGNED_TX',
  0x01: 'PSBT_GLOBAL_XPUB',
  0x02: 'PSBT_GLOBAL_TX_VERSION',
  0x03: 'PSBT_GLOBAL_FALLBACK_LOCKTIME',
  0x04: 'PSBT_GLOBAL_INPUT_COUNT',
  0x05: 'PSBT_GLOBAL_OUTPUT_COUNT',
  0x06: 'PSBT_GLOBAL_TX_MODIFIABLE',
  0xfb: 'PSBT_GLOBAL_VERSION',
  0xfc: 'PSBT_GLOBAL_PROPRIETARY',
};

const INPUT: Record<number, string> = {
  0x00: 'PSBT_IN_NON_WITNESS_UTXO',
  0x01: 'PSBT_IN_WITNESS_UTXO',
  0x02: 'PSBT_IN_PARTIAL_SIG',
  0x03: 'PSBT_IN_SIGHASH_TYPE',
  0x04: 'PSBT_IN_REDEEM_SCRIPT',
  0x05: 'PSBT_IN_WITNESS_SCRIPT',
  0x06: 'PSBT_IN_BIP32_DERIVATION',
  0x07: 'PSBT_IN_FINAL_SCRIPTSIG',
  0x08: 'PSBT_IN_FINAL_SCRIPTWITNESS',
  0x09: 'PSBT_IN_POR_COMMITMENT',
  0x0a: 'PSBT_IN_RIPEMD160',
  0x0b: 'PSBT_IN_SHA256',
  0x0c: 'PSBT_IN_HASH160',
  0x0d: 'PSBT_IN_HASH256',
  0x0e: 'PSBT_IN_PREVIOUS_TXID',
  0x0f: 'PSBT_IN_OUTPUT_INDEX',
  0x10: 'PSBT_IN_SEQUENCE',
  0x11: 'PSBT_IN_REQUIRED_TIME_LOCKTIME',
  0x12: 'PSBT_IN_REQUIRED_HEIGHT_LOCKTIME',
  0x13: 'PSBT_IN_TAP_KEY_SIG',
  0x14: 'PSBT_IN_TAP_SCRIPT_SIG',
  0x15: 'PSBT_IN_TAP_LEAF_SCRIPT',
  0x16: 'PSBT_IN_TAP_BIP32_DERIVATION',
  0x17: 'PSBT_IN_TAP_INTERNAL_KEY',
  0x18: 'PSBT_IN_TAP_MERKLE_ROOT',
  0xfc: 'PSBT_IN_PROPRIETARY',
};

const OUTPUT: Record<number, string> = {
  0x00: 'PSBT_OUT_REDEEM_SCRIPT',
  0x01: 'PSBT_OUT_WITNESS_SCRIPT',
  0x02: 'PSBT_OUT_BIP32_DERIVATION',
  0x03: 'PSBT_OUT_AMOUNT',
  0x04: 'PSBT_OUT_SCRIPT',
  0x05: 'PSBT_OUT_TAP_INTERNAL_KEY',
  0x06: 'PSBT_OUT_TAP_TREE',
  0x07: 'PSBT_OUT_TAP_BIP32_DERIVATION',
  0xfc: 'PSBT_OUT_PROPRIETARY',
};

export type MapKind = 'global' | 'input' | 'output';

/** The BIP name of a key type in a map, e.g. `PSBT_IN_WITNESS_UTXO (0x01)`. */
export function keyTypeName(kind: MapKind, type: number): string {
  const table = kind === 'global' ? GLOBAL : kind === 'input' ? INPUT : OUTPUT;
  const hex = `0x${type.toString(16).padStart(2, '0')}`;
  const name = table[type];
  return name ? `${name} (${hex})` : `unknown key type ${hex}`;
}
