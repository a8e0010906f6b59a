/** Key-compromise sweep: move every UTXO of a compromised wallet to an independent one (unsigned PSBT). */
export { buildSweep, type SweepOptions, type SweepResult } from './sweep.js';
export { parseUtxos, type SweepUtxo } from './utxos.js';
export { sharedKeyMaterial } from './independence.js';
