import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, write as fsWrite, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { canonicalJson } from '@keygrade/tlog';
import { buildLiabilitiesTreeParallel, buildStreaming, nativeStatus, readAccountsFile, SpillAccounts, startHashingWorkers, type HashingWorkers } from '@keygrade/reserves/node';
import {
  AccountTable,
  buildLiabilitiesTree,
  emitStoreIndex,
  formatAmount,
  formatOf,
  keyFingerprint,
  manifestBody,
  manifestHash,
  parseAssetList,
  publicKeyOf,
  ReservesError,
  signManifest,
  storeMeta,
  toHex,
  verifySignature,
  type AccountsFormat,
  type AccountSink,
  type LiabilitiesTree,
  type SignedManifest,
  type StoreFile,
  type TreeSummary,
} from '@keygrade/reserves';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { out, type Io } from '../io.js';
import { progressBar } from '../progress.js';
import { DEFAULT_KEY_FILE, nodeSha256, openProofStore, readManifest, readSigningKey } from './por-common.js';

/** From this many accounts on, hashing runs on worker threads. */
const PARALLEL_FROM = 50_000;

/**
 * Bytes of a short accounts row ("u1,0.5" and a line break). A file smaller than PARALLEL_FROM
 * such rows is read before any hashing worker starts; a bigger one while they boot.
 */
const MIN_ROW_BYTES = 8;

/** Accounts files from this size on are built by streaming to disk (in memory otherwise: about 220 bytes per account, 360 with proof files). */
export const STREAM_FROM_BYTES = 1 << 30;

/**
 * The file size from which `por build` streams: KEYGRADE_POR_STREAM_FROM (bytes, or with a K, M or
 * G suffix in powers of 1024) for machines with less or more memory, else 1 GiB.
 */
export function streamFromBytes(env: Record<string, string | undefined>): number {
  const v = env.KEYGRADE_POR_STREAM_FROM;
  if (v === undefined || v === '') return STREAM_FROM_BYTES;
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(v.trim());
  const n = m ? Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw usage(`KEYGRADE_POR_STREAM_FROM must be a size in bytes such as 536870912 or 512M (got "${v}")`);
  return n;
}

/** Up to this many accounts, `--proof-files auto` also writes one proof file per account. */
export const PROOF_FILES_LIMIT = 100_000;

export const spec: CommandSpec = {
  name: 'por build',
  summary: 'Build a proof-of-reserves snapshot from an accounts file: the liabilities Merkle-sum tree, the signed manifest, and every customer\'s inclusion proof.',
  description: [
    'The accounts file is CSV with a header `id,<SYMBOL>,…` or NDJSON lines {"id":…,"balances":{"BTC":"1.5"}}, read as a stream',
    '(any size). Amounts are decimal text, converted exactly to base units. Any bad row (bad amount, too many decimals,',
    'negative value, unknown asset, duplicate id) stops the build with file:line and nothing is written.',
    '',
    'The output folder receives manifest.json (publish it), root.txt, store/ (private: serves any customer\'s proof with',
    '`keygrade por proof`) and, for up to 100,000 accounts, proofs/ with one file per customer and proofs/index.csv.',
    '',
    'With --stream (automatic for accounts files of 1 GiB or more; KEYGRADE_POR_STREAM_FROM=512M changes the size) the build keeps a few bytes per account in memory',
    'and works through files next to the output folder: same snapshot format, same proofs, bounded memory.',
  ].join('\n'),
  args: ['<accounts>'],
  options: {
    assets: { type: 'string', value: '<SYM:DEC,…>', description: 'the assets, in leaf order, with their decimals (required), e.g. BTC:8,ETH:18' },
    output: { type: 'string', short: 'o', value: '<dir>', description: 'folder to create for the snapshot (required; must not exist or be empty)' },
    key: { type: 'string', value: '<file>', description: `Ed25519 private key (PEM) that signs the manifest (default: ${DEFAULT_KEY_FILE})` },
    previous: { type: 'string', value: '<manifest.json>', description: 'the previous snapshot\'s manifest: chain to it' },
    format: { type: 'string', value: '<format>', description: 'accounts file format (default: from the extension)', choices: ['csv', 'ndjson'] },
    height: { type: 'string', value: '<n>', description: 'fixed tree height (keep it across snapshots to hide growth; default: the lowest that fits)' },
    'min-leaves': { type: 'string', value: '<n>', description: 'pad to at least this many leaves (hides the number of customers)' },
    label: { type: 'string', value: '<text>', description: 'a label for the manifest, e.g. "2026-11 month end"' },
    time: { type: 'string', value: '<iso>', description: 'snapshot time written to the manifest (default: now)' },
    workers: { type: 'string', value: '<n>', description: 'threads that parse the accounts file and hash (hashing from 50,000 accounts; default: one per CPU; 0: all on the main thread)' },
    'proof-files': { type: 'string', value: '<when>', description: 'write one proof file per customer', choices: ['auto', 'yes', 'no'], default: 'auto' },
    stream: { type: 'boolean', description: 'build by streaming to disk (bounded memory; automatic for files of 1 GiB or more)' },
    'in-memory': { type: 'boolean', description: 'build in memory even for a large file (about 220 bytes of RAM per account, 360 with proof files)' },
    json: { type: 'boolean', description: 'print the summary as JSON' },
  },
  examples: [
    'keygrade por keygen',
    'keygrade por build accounts.csv --assets BTC:8,ETH:18 -o snapshots/2026-11',
    'keygrade por build accounts.ndjson --assets BTC:8,ETH:18,USDT:6 -o snapshots/2026-12 --previous snapshots/2026-11/manifest.json --height 26',
    'keygrade por build all-accounts.csv --assets BTC:8,ETH:18,USDT:6,SOL:9 -o snapshots/2027-01 --stream',
  ],
};

function positiveInt(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(String(v)) || !Number.isSafeInteger(n) || n < 1) throw usage(`${flag} must be a positive integer (got "${String(v)}")`);
  return n;
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const input = positionals[0]!;
  if (values.stream && values['in-memory']) throw usage('choose --stream or --in-memory, not both');
  if (values.assets === undefined) throw usage('--assets is required, e.g. --assets BTC:8,ETH:18 (symbol:decimals, in leaf order)');
  if (values.output === undefined) throw usage('-o <dir> is required: the folder to create for the snapshot');
  const assets = parseAssetList(values.assets as string);
  const format = (values.format as AccountsFormat | undefined) ?? formatOf(input);
  if (!format) throw usage(`cannot tell the format of ${input} from its name; pass --format csv or --format ndjson`);
  const height = positiveInt(values.height, '--height');
  const minLeaves = positiveInt(values['min-leaves'], '--min-leaves');
  const workers = values.workers === '0' ? 0 : positiveInt(values.workers, '--workers');
  const time = values.time === undefined ? io.now() : new Date(values.time as string);
  if (Number.isNaN(time.getTime())) throw usage(`--time must be an ISO 8601 time such as 2026-11-30T23:59:59Z (got "${values.time as string}")`);
  const outDir = resolve(io.cwd, values.output as string);
  if (existsSync(outDir) && (!statSync(outDir).isDirectory() || readdirSync(outDir).length > 0)) throw usage(`${values.output as string} already exists and is not an empty folder; choose another -o`);
  const secretKey = readSigningKey(io, values.key as string | undefined);
  const previous = values.previous === undefined ? undefined : checkPrevious(readManifest(io, values.previous as string), values.previous as string, time);
  if (previous && !previous.signatures.some((s) => s.publicKey === toHex(publicKeyOf(secretKey)))) {
    io.stderr.write(`warning: the previous manifest was signed by another key (${previous.signatures.map((s) => s.publicKey.slice(0, 16)).join(', ')}…); customers will see the key change\n`);
  }

  const inputBytes = fileSize(io, input);
  const stream = values.stream === true || (values['in-memory'] !== true && inputBytes >= streamFromBytes(io.env));
  const common = { io, input, format, assets, outDir, output: values.output as string, height, minLeaves, workers, time, label: values.label as string | undefined, previous, secretKey, proofFilesOption: values['proof-files'] as string, json: Boolean(values.json) };
  if (stream) return buildStreamed(common);

  const started = performance.now();
  // The hashing workers boot while the file is read, when it may hold enough accounts to use them.
  const hashingWorkers = workers !== 0 && inputBytes >= PARALLEL_FROM * MIN_ROW_BYTES ? startHashingWorkers(workers !== undefined ? { workers } : {}) : undefined;
  try {
    return await buildInMemory(common, started, hashingWorkers);
  } finally {
    // Stopped before the command returns, whatever happened (they would keep the process alive);
    // after a failed build a worker may still be writing to the store's files.
    await hashingWorkers?.close();
  }
}

/** The in-memory build: reads the accounts into a table in shared memory, hashes (on `hashingWorkers` when given and enough accounts), writes the snapshot. */
async function buildInMemory(c: BuildCommon, started: number, hashingWorkers: HashingWorkers | undefined): Promise<number> {
  const { io, input, format, outDir, height, minLeaves, workers, time, previous, secretKey } = c;
  const table = new AccountTable(c.assets, { shared: true });
  await readAccounts(io, input, format, table, workers);
  const timings = { readSeconds: 0, hashSeconds: 0, writeSeconds: 0 };
  timings.readSeconds = (performance.now() - started) / 1000;
  const proofFiles = c.proofFilesOption === 'yes' || (c.proofFilesOption === 'auto' && table.count <= PROOF_FILES_LIMIT);

  const tmp = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(join(tmp, 'store'), { recursive: true });
  const files = new Files(join(tmp, 'store'));
  try {
    const bar = progressBar(io, 'hashing');
    const options = {
      hash: nodeSha256,
      ...(height !== undefined ? { height } : {}),
      ...(minLeaves !== undefined ? { minLeaves } : {}),
      keepLevels: proofFiles,
      releaseBalances: true,
      onLevel: (_level: number, records: Uint8Array) => files.write('nodes.bin', records),
      onProgress: (done: number, total: number) => bar.update(done, total),
    };
    const parallel = workers !== 0 && table.count >= PARALLEL_FROM;
    // On worker threads the builder writes nodes.bin and salts.bin itself, with positioned writes:
    // without proof files (levels not kept) each worker writes the levels and salts of the blocks it
    // hashes, and neither a whole level nor all the salts exist in memory (ParallelTreeOptions).
    const { onLevel, ...rest } = options;
    const tree = parallel
      ? await buildLiabilitiesTreeParallel(table, { ...rest, nodesFd: files.fd('nodes.bin'), saltsFd: files.fd('salts.bin'), ...(workers !== undefined ? { workers } : {}), ...(hashingWorkers ? { pool: hashingWorkers } : {}) }).catch((e: unknown) => {
          // A failed write of nodes.bin or salts.bin (a full disk) reads like any other store write failure.
          if ((e as NodeJS.ErrnoException).syscall === 'write') throw new ExitError(EXIT.usage, `cannot write the store: ${(e as Error).message.split('\n')[0]!}`);
          throw e;
        })
      : buildLiabilitiesTree(table, { ...rest, onLevel });
    bar.done();
    // Every job is done: the workers stop while the rest is written.
    void hashingWorkers?.close().catch(() => undefined);
    timings.hashSeconds = (performance.now() - started) / 1000 - timings.readSeconds;
    const manifest = signManifest(manifestBody(tree, { time, ...(c.label ? { label: c.label } : {}), ...(previous ? { previous } : {}) }), secretKey);
    emitStoreIndex(tree, (f, b) => files.write(f, b));
    files.write('store.json', new TextEncoder().encode(`${JSON.stringify(storeMeta(tree), null, 2)}\n`));
    await files.close();
    writeFile(join(tmp, 'manifest.json'), canonicalJson(manifest));
    writeFile(join(tmp, 'root.txt'), `${toHex(tree.root)}\n`);
    if (proofFiles) writeProofFiles(io, tree, join(tmp, 'proofs'));
    if (existsSync(outDir)) rmSync(outDir, { recursive: true });
    renameSync(tmp, outDir);
    timings.writeSeconds = (performance.now() - started) / 1000 - timings.readSeconds - timings.hashSeconds;
    printSummary(io, tree, manifest, c.output, proofFiles, c.json, timings, 'memory', hashingUsed(parallel));
    return EXIT.ok;
  } catch (e) {
    // A worker of a failed build may still be writing to the store's files: stopped first.
    await hashingWorkers?.close();
    await files.abort();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function fileSize(io: Io, file: string): number {
  try {
    return statSync(resolve(io.cwd, file)).size;
  } catch {
    return 0; // readAccounts reports the missing file
  }
}

/** What both builds take from the command line. */
interface BuildCommon {
  io: Io;
  input: string;
  format: AccountsFormat;
  assets: ReturnType<typeof parseAssetList>;
  outDir: string;
  output: string;
  height: number | undefined;
  minLeaves: number | undefined;
  workers: number | undefined;
  time: Date;
  label: string | undefined;
  previous: SignedManifest | undefined;
  secretKey: Uint8Array;
  proofFilesOption: string;
  json: boolean;
}

/** The streaming build (`--stream`): spill, distribute, hash block by block, levels from disk. */
async function buildStreamed(c: BuildCommon): Promise<number> {
  const { io, outDir } = c;
  const tmp = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(join(tmp, 'work'), { recursive: true });
  const started = performance.now();
  const timings = { readSeconds: 0, hashSeconds: 0, writeSeconds: 0 };
  const spill = new SpillAccounts(c.assets, join(tmp, 'work', 'accounts.spill'));
  try {
    await readAccounts(io, c.input, c.format, spill, c.workers);
    spill.finish(c.input);
    timings.readSeconds = (performance.now() - started) / 1000;
    const distributing = progressBar(io, 'distributing');
    const bar = progressBar(io, 'hashing');
    const tree = await buildStreaming(spill, {
      storeDir: join(tmp, 'store'),
      workDir: join(tmp, 'work', 'buckets'),
      ...(c.height !== undefined ? { height: c.height } : {}),
      ...(c.minLeaves !== undefined ? { minLeaves: c.minLeaves } : {}),
      ...(c.workers !== undefined ? { workers: c.workers } : {}),
      onDistribute: (done, total) => {
        distributing.update(done, total);
        if (done === total) distributing.done();
      },
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.done();
    spill.remove();
    rmSync(join(tmp, 'work'), { recursive: true, force: true });
    timings.hashSeconds = (performance.now() - started) / 1000 - timings.readSeconds;
    const manifest = signManifest(manifestBody(tree, { time: c.time, ...(c.label ? { label: c.label } : {}), ...(c.previous ? { previous: c.previous } : {}) }), c.secretKey);
    writeFile(join(tmp, 'manifest.json'), canonicalJson(manifest));
    writeFile(join(tmp, 'root.txt'), `${toHex(tree.root)}\n`);
    const proofFiles = c.proofFilesOption === 'yes' || (c.proofFilesOption === 'auto' && tree.accounts.count <= PROOF_FILES_LIMIT);
    if (proofFiles) writeProofFilesFromStore(io, join(tmp, 'store'), join(tmp, 'proofs'));
    if (existsSync(outDir)) rmSync(outDir, { recursive: true });
    renameSync(tmp, outDir);
    timings.writeSeconds = (performance.now() - started) / 1000 - timings.readSeconds - timings.hashSeconds;
    printSummary(io, tree, manifest, c.output, proofFiles, c.json, timings, 'stream', hashingUsed(c.workers !== 0));
    return EXIT.ok;
  } catch (e) {
    spill.remove();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The previous manifest must be intact and older than the new snapshot. */
function checkPrevious(m: SignedManifest, file: string, time: Date): SignedManifest {
  if (m.signatures.length === 0 || !m.signatures.every((s) => verifySignature(m, s))) throw new ReservesError('RESERVES_BAD_MANIFEST', `${file}: the previous manifest's signature does not verify; refusing to chain to it`);
  if (!(time.getTime() > Date.parse(m.time))) throw usage(`the snapshot time ${time.toISOString()} is not after the previous manifest's ${m.time}`);
  return m;
}

/**
 * Reads the accounts file with a progress bar: parsed on worker threads into the in-memory table,
 * on this thread into the streaming build's spill (see readAccountsFile).
 */
async function readAccounts(io: Io, file: string, format: AccountsFormat, sink: AccountSink, workers: number | undefined): Promise<void> {
  const path = resolve(io.cwd, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new ExitError(EXIT.usage, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const bar = progressBar(io, 'reading', size);
  await readAccountsFile(path, format, sink, { file, ...(workers !== undefined ? { workers } : {}), onProgress: (done, total) => bar.update(done, total) });
  bar.done();
}

/**
 * Append-only writers for the store files. Writes are queued per file and run in the background
 * (libuv's thread pool), so writing one level overlaps hashing the next; the builder reuses a
 * level's memory only once the promise of its write has settled.
 */
class Files {
  private readonly queues = new Map<string, { fd: number; done: Promise<void> }>();
  private failure: Error | undefined;
  constructor(private readonly dir: string) {}
  /** Queues a write; the promise settles (never rejects) once `bytes` is no longer needed. */
  write(file: StoreFile | 'store.json', bytes: Uint8Array): Promise<void> {
    const q = this.queue(file);
    const fd = q.fd;
    q.done = q.done.then(async () => {
      for (let o = 0; o < bytes.length && !this.failure; ) o += await new Promise<number>((res, rej) => fsWrite(fd, bytes, o, bytes.length - o, null, (e, n) => (e ? rej(e) : res(n))));
    }).catch((e: Error) => {
      this.failure ??= e;
    });
    return q.done;
  }
  /** The file's descriptor, for a writer of its own (positioned writes; not mixed with `write`). Synced and closed with the rest. */
  fd(file: StoreFile): number {
    return this.queue(file).fd;
  }
  private queue(file: StoreFile | 'store.json'): { fd: number; done: Promise<void> } {
    let q = this.queues.get(file);
    if (q === undefined) this.queues.set(file, (q = { fd: openSync(join(this.dir, file), 'w', 0o600), done: Promise.resolve() }));
    return q;
  }
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.done));
    for (const { fd } of this.queues.values()) {
      fsyncSync(fd);
      closeSync(fd);
    }
    this.queues.clear();
    if (this.failure) throw new ExitError(EXIT.usage, `cannot write the store: ${this.failure.message}`);
  }
  /** Stops after the queued writes and closes every file (the build failed; the folder goes). */
  async abort(): Promise<void> {
    this.failure ??= new Error('aborted');
    await Promise.all([...this.queues.values()].map((q) => q.done));
    for (const { fd } of this.queues.values()) closeSync(fd);
    this.queues.clear();
  }
}

function writeFile(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The file name of a customer's proof: the SHA-256 of their id (safe on every file system, case-insensitive ones included). */
export function proofFileName(account: string): string {
  return `${createHash('sha256').update(account, 'utf8').digest('hex')}.json`;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeProofFiles(io: Io, tree: LiabilitiesTree, dir: string): void {
  mkdirSync(dir);
  const leaves = tree.accountLeaves();
  const index = ['account,file'];
  const bar = progressBar(io, 'proofs', leaves.length);
  for (let a = 0; a < leaves.length; a++) {
    const proof = tree.proofAt(leaves[a]!);
    const name = proofFileName(proof.account);
    writeFile(join(dir, name), canonicalJson(proof));
    index.push(`${csvField(proof.account)},${name}`);
    bar.update(a + 1);
  }
  bar.done();
  writeFile(join(dir, 'index.csv'), `${index.join('\n')}\n`);
}

/** proofs/ from a built store (the streaming build keeps no tree in memory): the same files as {@link writeProofFiles}. */
function writeProofFilesFromStore(io: Io, storeDir: string, dir: string): void {
  mkdirSync(dir);
  const { store, close } = openProofStore(storeDir, 'the new snapshot');
  try {
    const index = ['account,file'];
    const n = store.meta.accounts;
    const bar = progressBar(io, 'proofs', n);
    for (let a = 0; a < n; a++) {
      const proof = store.proofFor(store.accountId(a));
      const name = proofFileName(proof.account);
      writeFile(join(dir, name), canonicalJson(proof));
      index.push(`${csvField(proof.account)},${name}`);
      bar.update(a + 1);
    }
    bar.done();
    writeFile(join(dir, 'index.csv'), `${index.join('\n')}\n`);
  } finally {
    close();
  }
}

/** What hashed the tree: the native module on the worker threads when it is built (see @keygrade/reserves/node), else node:crypto. */
function hashingUsed(onWorkers: boolean): 'native' | 'node:crypto' {
  return onWorkers && nativeStatus().available ? 'native' : 'node:crypto';
}

function printSummary(io: Io, tree: TreeSummary, manifest: SignedManifest, dir: string, proofFiles: boolean, json: boolean, timings: Record<string, number>, mode: 'memory' | 'stream', hashing: 'native' | 'node:crypto'): void {
  const hash = toHex(manifestHash(manifest));
  const totals = manifest.assets.map((a) => ({ symbol: a.symbol, decimals: a.decimals, units: a.total, amount: formatAmount(BigInt(a.total), a.decimals) }));
  const signer = keyFingerprint(Buffer.from(manifest.signatures[0]!.publicKey, 'hex'));
  if (json) {
    out(io, JSON.stringify({ snapshotId: manifest.snapshotId, sequence: manifest.sequence, time: manifest.time, accounts: tree.accounts.count, leafCount: tree.leafCount, height: tree.height, root: manifest.root, manifestHash: hash, previous: manifest.previous, signer, totals, proofFiles: proofFiles ? tree.accounts.count : 0, mode, hashing, timings }, null, 2));
    return;
  }
  out(io, `Snapshot ${manifest.snapshotId.slice(0, 16)}… (sequence ${manifest.sequence}, ${manifest.time}): ${tree.accounts.count.toLocaleString('en-US')} accounts in ${tree.leafCount.toLocaleString('en-US')} leaves, height ${tree.height}`);
  const w = Math.max(...totals.map((t) => t.symbol.length));
  for (const t of totals) out(io, `  ${t.symbol.padEnd(w)}  ${t.amount}  (${t.units} base units)`);
  out(io, `Root           ${manifest.root}`);
  out(io, `Manifest hash  ${hash}  (timestamp this digest; the next snapshot chains to it)`);
  out(io, `Signed by      ${signer}`);
  out(io, `Took ${(timings.readSeconds! + timings.hashSeconds! + timings.writeSeconds!).toFixed(1)} s${mode === 'stream' ? ' (streamed to disk)' : ''}: reading ${timings.readSeconds!.toFixed(1)} s, hashing ${timings.hashSeconds!.toFixed(1)} s (${hashing === 'native' ? 'native module' : 'node:crypto'}), writing ${timings.writeSeconds!.toFixed(1)} s`);
  out(io, `Wrote ${join(dir, 'manifest.json')} (publish it), ${join(dir, 'root.txt')}, ${join(dir, 'store')}/ (private; serve proofs with \`keygrade por proof ${dir} <account>\`)${proofFiles ? ` and ${join(dir, 'proofs')}/ (one file per customer, listed in index.csv)` : ''}.`);
}
