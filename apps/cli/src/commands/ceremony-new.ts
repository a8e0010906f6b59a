import { createHash, getRandomValues, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CeremonyError,
  encryptSecret,
  MODES,
  runCeremony,
  SCRIPT_KINDS,
  SECRET_FORMAT,
  serializeTranscript,
  signTranscript,
  TRANSCRIPT_FORMAT,
  type CeremonyMode,
  type ScriptKind,
  type Transcript,
} from '@keygrade/ceremony';
import type { Card } from '@keygrade/randomness';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readInput, writeAtomic } from '../files.js';
import { err, out, type Io } from '../io.js';
import { lineReader } from '../prompt.js';
import { VERSION } from '../main.js';
import { parseDeck, parseD6, readDiceFromStdin, readMaterial, readSigningKey } from './ceremony-shared.js';
import { checkInstall, publicKeysArg } from './verify-install.js';

export const spec: CommandSpec = {
  name: 'ceremony new',
  summary: 'Run a key ceremony offline: combine the OS generator with dice, cards or a hardware file, health-test them, derive a BIP-39 mnemonic and account xpubs, show the secret once and write a signed transcript.',
  description: [
    'Run it on the keyholder\'s own machine, offline. Sources: the operating system\'s generator (64 bytes) and at least one physical source — dice (--dice-file, or typed on stdin), a shuffled deck (--cards-file) and/or a hardware generator\'s output (--entropy-file). With no dice or cards file, the dice are read from stdin: prompted on a terminal, read whole from a pipe.',
    'Construction (--dice-mode): keygrade (default) seeds an SP 800-90A HMAC_DRBG (SHA-256) with every source, length-prefixed and labelled, and draws the BIP-39 entropy from it; seedsigner uses SeedSigner\'s SHA-256 of exactly 50 or 99 rolls (dice only); glacier uses Glacier\'s SHA-256(dice) XOR SHA-256(hex computer entropy) — the OS bytes in hex, or --entropy-file holding hex text.',
    'Each source is health-tested (SP 800-90B repetition count and adaptive proportion tests, χ² on dice) and committed to in the transcript (salted SHA-256); a failed test stops the ceremony before any key exists (exit 1).',
    'The mnemonic is shown once, on stdout, and never written unencrypted; --encrypt-to writes it encrypted with a passphrase (scrypt + XChaCha20-Poly1305). The transcript (canonical JSON) holds the software version and SHA-256, the commitments and health results, the master fingerprint and xpubs, times, participants, and the operator\'s Ed25519 sign-off; others add theirs with `keygrade ceremony sign`.',
  ].join('\n'),
  args: [],
  options: {
    key: { type: 'string', value: '<pem>', description: 'the operator\'s Ed25519 private key (PKCS#8 PEM), signs the transcript (required)' },
    operator: { type: 'string', value: '<name>', description: 'the operator\'s name (required)' },
    participants: { type: 'string', value: '<list>', description: 'others present, as name:role pairs separated by commas ("Bob:witness,Carol:keyholder")' },
    purpose: { type: 'string', value: '<text>', description: 'what the key is for, recorded in the transcript', default: 'key ceremony' },
    'dice-mode': { type: 'string', value: '<mode>', description: 'how the sources are combined', choices: MODES, default: 'keygrade' },
    'dice-file': { type: 'string', value: '<file>', description: 'd6 rolls (digits 1–6; spaces, commas and newlines ignored); - for stdin' },
    'cards-file': { type: 'string', value: '<file>', description: 'a shuffled deck in order ("AS 10H QD …"); - for stdin' },
    'entropy-file': { type: 'string', value: '<file>', description: 'output of a hardware generator (raw bytes; hex text in glacier mode)' },
    'entropy-file-h': { type: 'string', value: '<bits>', description: 'min-entropy per byte claimed for --entropy-file (health-test parameter and credit)', default: '1' },
    words: { type: 'string', value: '<n>', description: 'mnemonic length in keygrade mode', choices: ['12', '24'], default: '24' },
    script: { type: 'string', value: '<list>', description: `account scripts, comma-separated: ${SCRIPT_KINDS.join(', ')}`, default: 'p2wsh-multi' },
    account: { type: 'string', value: '<n>', description: 'account number in the derivation path', default: '0' },
    network: { type: 'string', value: '<net>', description: 'Bitcoin network', choices: ['main', 'test'], default: 'main' },
    out: { type: 'string', short: 'o', value: '<file>', description: 'where to write the transcript (default ceremony-<id>.json)' },
    'encrypt-to': { type: 'string', value: '<file>', description: 'also write the mnemonic encrypted with a passphrase' },
    'passphrase-file': { type: 'string', value: '<file>', description: 'the encryption passphrase (first line); or set KEYGRADE_SECRET_PASSPHRASE' },
    'scrypt-log-n': { type: 'string', value: '<n>', description: 'scrypt work factor log2 N for --encrypt-to', default: '18' },
    'require-verified-install': { type: 'boolean', description: 'refuse to run unless `keygrade verify-install` passes (CCSS 1.01 Level II)' },
    'release-key': { type: 'string', value: '<hex-or-file>', description: 'release key to trust for the install check (as verify-install --key)' },
    json: { type: 'boolean', description: 'print { transcriptFile, ceremonyId, masterFingerprint, accounts, mnemonic, warnings } as JSON (the mnemonic included)' },
  },
  examples: [
    'keygrade ceremony new --key alice.pem --operator "Alice" --participants "Bob:witness" --dice-file rolls.txt',
    'keygrade ceremony new --key alice.pem --operator Alice --dice-file - < rolls.txt --script p2wsh-multi,p2wpkh --json',
    'keygrade ceremony new --key alice.pem --operator Alice --dice-mode seedsigner --dice-file rolls.txt --words 12',
    'keygrade ceremony new --key alice.pem --operator Alice --cards-file deck.txt --entropy-file trng.bin --entropy-file-h 6 --encrypt-to seed.age.json',
  ],
};

function participantsArg(v: string | undefined, operator: string): { name: string; role: string }[] {
  const list = [{ name: operator, role: 'operator' }];
  for (const item of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(.+?)\s*:\s*([a-z-]+)$/i.exec(item);
    if (!m) throw usage(`--participants: "${item}" is not name:role (e.g. "Bob:witness")`);
    list.push({ name: m[1]!, role: m[2]!.toLowerCase() });
  }
  return list;
}

function intArg(name: string, v: unknown, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw usage(`--${name} must be a whole number from ${min} to ${max} (got "${String(v)}")`);
  return n;
}

async function passphrase(io: Io, file: string | undefined): Promise<string> {
  if (file) return (readInput(io, file).split(/\r?\n/)[0] ?? '').trimEnd();
  if (io.env.KEYGRADE_SECRET_PASSPHRASE) return io.env.KEYGRADE_SECRET_PASSPHRASE;
  throw usage('--encrypt-to needs a passphrase: --passphrase-file <file> or KEYGRADE_SECRET_PASSPHRASE');
}

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const startedAt = io.now().toISOString();
  const v = values as Record<string, string | boolean | undefined>;
  if (!v.key) throw usage('--key <pem> is required: the operator signs the transcript (create a key with `keygrade ceremony keygen`)');
  if (typeof v.operator !== 'string' || v.operator.trim() === '') throw usage('--operator <name> is required');
  const mode = v['dice-mode'] as CeremonyMode;
  const scripts = String(v.script).split(',').map((s) => s.trim()) as ScriptKind[];
  for (const s of scripts) if (!SCRIPT_KINDS.includes(s)) throw usage(`--script: "${s}" is not one of ${SCRIPT_KINDS.join(', ')}`);
  const account = intArg('account', v.account, 0, 2 ** 31 - 1);
  const fileH = Number(v['entropy-file-h']);
  if (!(fileH > 0 && fileH <= 8)) throw usage(`--entropy-file-h must be a number of bits per byte from above 0 to 8 (got "${String(v['entropy-file-h'])}")`);
  const logN = intArg('scrypt-log-n', v['scrypt-log-n'], 14, 22);
  const participants = participantsArg(v.participants as string | undefined, v.operator.trim());
  if (v['dice-file'] === '-' && v['cards-file'] === '-') throw usage('only one of --dice-file and --cards-file can read stdin');
  const secretKey = readSigningKey(io, v.key as string);
  const ceremonyId = randomUUID();
  const outFile = (v.out as string | undefined) ?? `ceremony-${ceremonyId.slice(0, 8)}.json`;
  if (existsSync(resolve(io.cwd, outFile))) throw usage(`${outFile} already exists; refusing to overwrite a transcript`);
  const encryptTo = v['encrypt-to'] as string | undefined;
  if (encryptTo && existsSync(resolve(io.cwd, encryptTo))) throw usage(`${encryptTo} already exists; refusing to overwrite a secret`);
  const pass = encryptTo ? await passphrase(io, v['passphrase-file'] as string | undefined) : undefined;

  // CCSS 1.01 Level II: validate the software before it makes a key.
  const install = checkInstall(io, undefined, publicKeysArg(io, v['release-key'] as string | undefined));
  if (install.status === 'failed' || (v['require-verified-install'] && install.status !== 'verified')) {
    err(io, `keygrade: the installation is not verified: ${install.reasons.join('; ')}`);
    err(io, 'Run `keygrade verify-install` for the details. No key was made.');
    return EXIT.checkFailed;
  }

  // Sources.
  let dice: number[] | undefined;
  let cards: Card[] | undefined;
  if (v['dice-file']) {
    const m = await readMaterial(io, v['dice-file'] as string);
    dice = parseD6(m.bytes.toString('utf8'), m.name);
  }
  if (v['cards-file']) {
    const m = await readMaterial(io, v['cards-file'] as string);
    cards = parseDeck(m.bytes.toString('utf8'), m.name);
  }
  const entropyFile = v['entropy-file'] ? await readMaterial(io, v['entropy-file'] as string) : undefined;
  if (!dice && !cards && !(mode === 'keygrade' && entropyFile)) dice = await readDiceFromStdin(io, mode === 'seedsigner' ? 99 : mode === 'glacier' ? 62 : v.words === '12' ? 50 : 100);
  const useOs = mode === 'keygrade' || (mode === 'glacier' && !entropyFile);
  const random = (n: number) => getRandomValues(new Uint8Array(n));

  let output;
  try {
    output = runCeremony({
      mode,
      ceremonyId,
      words: v.words === '12' ? 12 : 24,
      network: v.network as 'main' | 'test',
      scripts,
      account,
      ...(useOs ? { os: random(64) } : {}),
      ...(dice ? { dice } : {}),
      ...(cards ? { cards } : {}),
      ...(entropyFile ? { file: { bytes: new Uint8Array(entropyFile.bytes), minEntropyPerByte: fileH } } : {}),
      random,
    });
  } catch (e) {
    if (e instanceof CeremonyError && (e.code === 'CEREMONY_HEALTH' || e.code === 'CEREMONY_ENTROPY')) {
      err(io, `keygrade: ${e.describe()}`);
      return EXIT.checkFailed;
    }
    throw e;
  }

  let encryptedBackup: { sha256: string; format: string } | undefined;
  if (encryptTo) {
    const box = encryptSecret(output.mnemonic, pass!, { ceremonyId, masterFingerprint: output.result.masterFingerprint, words: output.result.words }, random, logN);
    const text = `${JSON.stringify(box, null, 2)}\n`;
    writeAtomic(resolve(io.cwd, encryptTo), text);
    encryptedBackup = { sha256: createHash('sha256').update(text).digest('hex'), format: SECRET_FORMAT };
  }

  const unsigned: Transcript = {
    transcript: {
      format: TRANSCRIPT_FORMAT,
      ceremonyId,
      purpose: String(v.purpose),
      software: { name: 'keygrade', version: VERSION, sha256: install.softwareSha256, files: Object.keys(install.files).length, installCheck: install.status, runtime: `node ${process.version} ${process.platform}-${process.arch}` },
      startedAt,
      finishedAt: io.now().toISOString(),
      participants,
      construction: output.construction,
      sources: output.sources,
      entropy: output.entropySummary,
      result: output.result,
      ...(encryptedBackup ? { encryptedBackup } : {}),
      warnings: [...output.warnings, ...(install.status === 'no-manifest' ? ['the software was not checked against a signed release manifest (none installed)'] : [])],
    },
    signoffs: [],
  };
  const signed = signTranscript(unsigned, secretKey, { role: 'operator', name: v.operator.trim(), signedAt: io.now().toISOString() });
  secretKey.fill(0);
  writeAtomic(resolve(io.cwd, outFile), serializeTranscript(signed));
  output.entropy.fill(0);

  const r = output.result;
  if (v.json) {
    out(io, JSON.stringify({ transcriptFile: outFile, ceremonyId, masterFingerprint: r.masterFingerprint, accounts: r.accounts, mnemonic: output.mnemonic, ...(output.glacierWif ? { glacierWif: output.glacierWif } : {}), encryptedSecretFile: encryptTo ?? null, warnings: signed.transcript.warnings }, null, 2));
    return EXIT.ok;
  }
  out(io, `Ceremony ${ceremonyId} (${mode} construction; sources: ${output.construction.order.join(' + ')})`);
  for (const s of output.sources) out(io, `  ${s.kind}: ${s.count} ${s.unit}, ${s.entropyBits.toFixed(2)} bits credited; health tests ${s.checks.map((c) => `${c.test.replace(/^SP 800-90B [\d.]+ /, '')} ${c.skipped ? 'skipped' : c.passed ? 'ok' : 'FAILED'}`).join(', ')}`);
  out(io, `  master fingerprint ${r.masterFingerprint}`);
  for (const a of r.accounts) out(io, `  ${a.script} ${a.path}: ${a.xpub}${a.slip132 ? `\n    ${a.slip132}` : ''}`);
  for (const w of signed.transcript.warnings) err(io, `warning: ${w}`);
  out(io, '');
  out(io, 'SECRET — write these words down now, in order. They are shown only this once and are not saved' + (encryptTo ? ` (except encrypted in ${encryptTo}).` : '.'));
  const words = output.mnemonic.split(' ');
  for (let i = 0; i < words.length; i += 4) out(io, `  ${words.slice(i, i + 4).map((w, j) => `${String(i + j + 1).padStart(2)}. ${w.padEnd(9)}`).join('  ')}`);
  if (output.glacierWif) out(io, `  Glacier private key (WIF): ${output.glacierWif}`);
  out(io, '');
  out(io, `Transcript: ${outFile} (signed by ${v.operator.trim()} as operator). Next: each witness runs \`keygrade ceremony sign ${outFile} --key <their key> --name <name> --role witness\`.`);
  if (io.interactive && io.stdoutIsTTY) {
    const rl = lineReader(io);
    await rl.ask('Press Enter once the words are written down; the screen will be cleared. ');
    rl.close();
    io.stdout.write('\x1b[2J\x1b[3J\x1b[H');
  }
  return EXIT.ok;
}
