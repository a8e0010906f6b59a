import {
  cardsData,
  checkMnemonic,
  checkSourceOpening,
  diceData,
  glacierKey,
  mnemonicOf,
  parseTranscript,
  seedsignerEntropy,
  toHex,
  verifyTranscript,
  type TranscriptBody,
} from '@keygrade/ceremony';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readBinary } from '../files.js';
import { out, type Io } from '../io.js';
import { parseD6, parseDeck, readMaterial } from './ceremony-shared.js';
import { publicKeysArg } from './verify-install.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'ceremony verify',
  summary: 'Verify a ceremony transcript: its canonical form and structure, every sign-off, health results, and — given the mnemonic or the dice — the derived keys and commitments.',
  description: [
    'Without secrets, checks what anyone can: the transcript is unchanged since it was signed, each sign-off is valid and by a different key, there is an operator sign-off, and every source passed its health tests.',
    'With --mnemonic-file (the keyholder, offline), re-derives the master fingerprint and every account key. With --dice-file, --cards-file or --entropy-file, checks that material against the salted commitment; a seedsigner-mode ceremony is re-derived from the dice alone, a glacier-mode one from the dice and the hex file. The OS generator\'s bytes are never kept, so a keygrade-mode key is re-derived from its mnemonic. Only one of these may read stdin (-).',
    'Exit 0 when everything checks, 1 when a check fails, 2 when the transcript is malformed or an input has a bad character (its position is named).',
  ].join('\n'),
  args: ['<transcript>'],
  options: {
    'mnemonic-file': { type: 'string', value: '<file>', description: 'the BIP-39 words (file, or - for stdin)' },
    'dice-file': { type: 'string', value: '<file>', description: 'the dice rolls used (file, or - for stdin)' },
    'cards-file': { type: 'string', value: '<file>', description: 'the deck used (file, or - for stdin)' },
    'entropy-file': { type: 'string', value: '<file>', description: 'the hardware generator file used' },
    'require-signoffs': { type: 'string', value: '<n>', description: 'valid sign-offs by different keys required (Level II: 2 or more)', default: '1' },
    'trusted-keys': { type: 'string', value: '<list>', description: 'only accept sign-offs by these Ed25519 public keys (hex or files, comma-separated)' },
    json: { type: 'boolean', description: 'print { ok, ceremonyId, signoffs, problems, warnings, rederived } as JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: ['keygrade ceremony verify ceremony-0b9e3c1e.json', 'keygrade ceremony verify t.json --require-signoffs 2 --trusted-keys alice.pub,bob.pub', 'keygrade ceremony verify t.json --mnemonic-file - < words.txt', 'keygrade ceremony verify t.json --dice-file rolls.txt --json'],
};

async function rederive(io: Io, body: TranscriptBody, v: Record<string, string | boolean | undefined>): Promise<{ checked: string[]; problems: string[] }> {
  const checked: string[] = [];
  const problems: string[] = [];
  const stdinUsers = ['mnemonic-file', 'dice-file', 'cards-file', 'entropy-file'].filter((k) => v[k] === '-');
  if (stdinUsers.length > 1) throw usage(`only one input can read stdin (got --${stdinUsers.join(' and --')})`);
  const mode = body.construction.mode;
  let dice: number[] | undefined;
  let hexText: string | undefined;
  if (typeof v['mnemonic-file'] === 'string') {
    const m = await readMaterial(io, v['mnemonic-file']);
    problems.push(...checkMnemonic(body, m.bytes.toString('utf8')));
    checked.push('mnemonic');
  }
  if (typeof v['dice-file'] === 'string') {
    const m = await readMaterial(io, v['dice-file']);
    dice = parseD6(m.bytes.toString('utf8'), m.name);
    problems.push(...checkSourceOpening(body, { kind: 'dice', data: diceData(dice) }));
    checked.push('dice commitment');
  }
  if (typeof v['cards-file'] === 'string') {
    const m = await readMaterial(io, v['cards-file']);
    problems.push(...checkSourceOpening(body, { kind: 'cards', data: cardsData(parseDeck(m.bytes.toString('utf8'), m.name).map((c) => c.code)) }));
    checked.push('cards commitment');
  }
  if (typeof v['entropy-file'] === 'string') {
    const m = await readMaterial(io, v['entropy-file']);
    // Glacier hashes the hex text (whitespace removed); the other constructions take the bytes.
    if (mode === 'glacier') hexText = m.bytes.toString('utf8').replace(/\s+/g, '');
    problems.push(...checkSourceOpening(body, { kind: 'file', data: hexText !== undefined ? new TextEncoder().encode(hexText) : new Uint8Array(m.bytes) }));
    checked.push('entropy file commitment');
  }
  if (dice && mode === 'seedsigner') {
    problems.push(...checkMnemonic(body, mnemonicOf(seedsignerEntropy(dice))));
    checked.push('keys re-derived from the dice (SeedSigner)');
  }
  if (dice && hexText !== undefined && mode === 'glacier') {
    const key = glacierKey(dice, hexText);
    problems.push(...checkMnemonic(body, mnemonicOf(key)));
    checked.push('keys re-derived from the dice and hex text (Glacier)');
  }
  return { checked, problems };
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const v = values as Record<string, string | boolean | undefined>;
  const need = Number(v['require-signoffs']);
  if (!Number.isInteger(need) || need < 1 || need > 100) throw usage(`--require-signoffs must be a whole number from 1 to 100 (got "${String(v['require-signoffs'])}")`);
  const trusted = v['trusted-keys'] ? publicKeysArg(io, v['trusted-keys'] as string).map(toHex) : undefined;
  const t = parseTranscript(new Uint8Array(readBinary(io, positionals[0]!)));
  const verdict = verifyTranscript(t, { requireSignoffs: need, ...(trusted ? { trustedKeys: trusted } : {}) });
  const re = await rederive(io, t.transcript, v);
  const problems = [...verdict.problems, ...re.problems];
  const ok = problems.length === 0;
  const b = t.transcript;
  const result = { ok, ceremonyId: b.ceremonyId, mode: b.construction.mode, masterFingerprint: b.result.masterFingerprint, signoffs: verdict.signoffs, distinctSigners: verdict.distinctSigners, problems, warnings: verdict.warnings, rederived: re.checked };
  if (v.json) {
    out(io, JSON.stringify(result, null, 2));
    return attachResult(io, spec, { values, positionals }, result, ok ? EXIT.ok : EXIT.checkFailed);
  }
  out(io, `Ceremony ${b.ceremonyId}: "${b.purpose}", ${b.startedAt} – ${b.finishedAt}`);
  out(io, `  software: keygrade ${b.software.version}, SHA-256 ${b.software.sha256} (${b.software.files} files; install check: ${b.software.installCheck})`);
  out(io, `  construction: ${b.construction.mode}; sources: ${b.sources.map((s) => `${s.kind} (${s.count} ${s.unit}, ${s.entropyBits.toFixed(2)} bits, health ${s.passed ? 'passed' : 'FAILED'})`).join(', ')}`);
  out(io, `  participants: ${b.participants.map((p) => `${p.name} (${p.role})`).join(', ')}`);
  out(io, `  master fingerprint ${b.result.masterFingerprint}, ${b.result.words} words, ${b.result.network}net`);
  for (const a of b.result.accounts) out(io, `  ${a.script} ${a.path}: ${a.xpub}`);
  out(io, 'Sign-offs:');
  for (const s of verdict.signoffs) out(io, `  ${s.valid ? 'valid  ' : 'INVALID'} ${s.role} "${s.name}" key ${s.keyId}${s.trusted === false ? ' (not trusted)' : ''}`);
  for (const c of re.checked) out(io, `  checked: ${c}`);
  for (const w of verdict.warnings) out(io, `  warning: ${w}`);
  for (const p of problems) out(io, `  ! ${p}`);
  out(io, ok ? `Result: transcript verified (${verdict.distinctSigners} sign-off${verdict.distinctSigners === 1 ? '' : 's'}).` : 'Result: NOT VERIFIED.');
  return attachResult(io, spec, { values, positionals }, result, ok ? EXIT.ok : EXIT.checkFailed);
}
