import { checkSigner, parseSignerInput, type KeyDefaults, type SignerReport } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { readInput } from '../files.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

const EXPECT = ['deterministic', 'rfc6979', 'low-r-grinding', 'any'] as const;

export const spec: CommandSpec = {
  name: 'signer check',
  summary: 'Tell from signatures over a test seed whether a signer uses RFC 6979 nonces, low-R grinding, or neither.',
  description: [
    'Give the signatures a device made with a test seed (never a production key) and the test key material; every',
    'digest is re-signed with @noble/curves and each signature is classified: rfc6979 (RFC 6979, r kept although high),',
    'low-r (RFC 6979 with a grinding counter until r is low: Bitcoin Core counts 1, 2, … until r < 2^255;',
    '@scure/btc-signer counts 0, 1, … until r < n/2), rfc6979-or-low-r (the first RFC 6979 r was already low), unknown',
    '(random or hedged nonces) or invalid (does not verify under the key and digest).',
    'Input: JSON {"seed"|"key", "paths", "signatures": [{"id","digest"|"message"+"hash","signature","path"}],',
    '"transactions": ["<raw tx hex> <amount>:<scriptPubKey hex>,…"]} or CSV with the columns id,digest,signature[,path];',
    'see docs/guide/wallets.md. --key/--seed/--path supply the key when the file has none.',
    'Exit 0 when the signer matches --expect, 1 when it does not or a signature is invalid, 2 on malformed input.',
  ].join('\n'),
  args: ['<file>'],
  options: {
    key: { type: 'string', value: '<hex|wif|xprv>', description: 'test private key (hex, compressed WIF, or xprv/tprv with --path)' },
    seed: { type: 'string', value: '<hex>', description: 'test BIP 32 seed (hex), with --path' },
    path: { type: 'string', value: '<path[,path…]>', description: "derivation path(s) of the signing keys, e.g. m/84'/1'/0'/0/0" },
    expect: { type: 'string', value: '<scheme>', description: 'what passes: deterministic (rfc6979 or low-R), rfc6979, low-r-grinding, any', choices: EXPECT, default: 'deterministic' },
    json: { type: 'boolean', description: 'print the report as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    'keygrade signer check device-signatures.json',
    "keygrade signer check sigs.csv --seed 000102030405060708090a0b0c0d0e0f --path \"m/84'/1'/0'/0/0\" --expect low-r-grinding",
    'keygrade signer check device-signatures.json --json',
  ],
};

function passes(r: SignerReport, expect: string): boolean {
  if (r.counts.invalid > 0 || r.scheme === 'no-valid-signatures') return false;
  if (expect === 'any') return true;
  if (expect === 'deterministic') return r.scheme === 'rfc6979' || r.scheme === 'low-r-grinding' || r.scheme === 'rfc6979-or-low-r';
  return r.scheme === expect || r.scheme === 'rfc6979-or-low-r';
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const defaults: KeyDefaults = {};
  if (typeof values.key === 'string') defaults.key = values.key;
  if (typeof values.seed === 'string') defaults.seed = values.seed;
  if (typeof values.path === 'string') defaults.paths = values.path.split(',').map((p) => p.trim());
  const report = checkSigner(parseSignerInput(readInput(io, file), file, defaults));
  const ok = passes(report, String(values.expect));
  const result = { ...report, expect: values.expect, pass: ok };
  if (values.json) out(io, JSON.stringify(result, null, 2));
  else {
    out(io, `${ok ? 'OK' : 'FAIL'}: ${report.scheme} (${report.signatures.length} signature${report.signatures.length === 1 ? '' : 's'}; expected ${String(values.expect)})`);
    out(io, `  ${report.explanation}`);
    for (const s of report.signatures) {
      const how = s.scheme === 'low-r' ? `low-r (counter ${s.counter ?? 'none'}; ${s.grinders.join(' or ')})` : s.scheme;
      out(io, `  ${s.id}  ${how}${s.key ? `  key ${s.key}` : ''}${s.lowR ? '' : '  high-R'}${s.highS ? '  high-S' : ''}`);
    }
  }
  return attachResult(io, spec, { values, positionals }, result, ok ? EXIT.ok : EXIT.checkFailed);
}
