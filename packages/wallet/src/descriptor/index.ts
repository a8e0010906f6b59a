/** Output descriptors: parse (BIP 380–386, 389), checksum, derive, cross-check, Caravan import. */
export { descriptorChecksum, splitChecksum } from './checksum.js';
export { HARDENED, formatPath, type KeyExpr, type KeyOrigin, type PathStep } from './keys.js';
export { keysOf, parseDescriptor, MAX_DESCRIPTOR_LENGTH, type DescNode, type Descriptor, type TapTree } from './parse.js';
export { scriptAddress, type Network } from './derive.js';
export { deriveAddresses, expandMultipath, isRanged, type DerivedAddress, type DeriveOptions } from './addresses.js';
export { caravanToDescriptor, type CaravanWallet } from './caravan.js';
export { canSpend, NUMS_H, walletPolicy, type SpendPath, type WalletKey, type WalletPolicy } from './policy.js';
