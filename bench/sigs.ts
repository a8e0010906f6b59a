/**
 * Nonce-reuse scan and address-derivation benchmark (issue 8, item 8).
 *
 *   node --conditions=keygrade-source --import tsx bench/sigs.ts [--signatures 10000000] [--per-tx 10] [--skip-baseline] [--skip-derivation] [--keep <file>]
 *
 * Writes a transactions file in the `keygrade sigs scan` format (one raw transaction per line,
 * --per-tx P2WPKH-shaped inputs each, random r and s, compressed keys drawn from 1,000 synthetic
 * ones) with five planted pairs of real, validly signed P2WPKH spends that share a nonce (with
 * their prevouts, so the keys must be recovered). Then, each in its own child process so peak RSS
 * is measured separately:
 *   keygrade  the CLI command itself: main(['sigs', 'scan', file, '--json', '--reveal-keys']) (default
 *             threads: one per core up to 4 for a file this large; CPU time counts every thread)
 *   baseline  a plain JavaScript scan: readline, the reference extraction (@scure/btc-signer's
 *             RawTx decoder), and a Map from r hex to the first location
 * and prints time, peak RSS and the ratio, and checks that every planted reuse was found.
 * Finally it times address derivation (descriptor → addresses) against a direct @scure/bip32 +
 * @scure/btc-signer derivation of the same addresses.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Field } from '@noble/curves/abstract/modular.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HDKey } from '@scure/bip32';
import { p2ms, p2wpkh, p2wsh, RawTx, Transaction } from '@scure/btc-signer';
import { deriveAddresses, extractSignatures } from '@keygrade/wallet';

const args = process.argv.slice(2);
const opt = (name: string, d: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? d) || d;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const N = secp256k1.Point.CURVE().n;
const Fn = Field(N);
const utf8 = (s: string) => new TextEncoder().encode(s);

type ChildResult = { seconds: number; cpuSeconds: number; maxRssKb: number; signatures: number; findings: { r: string; recovered: string[] }[] };

// ---- child processes -----------------------------------------------------------------------
if (args[0] === '--child') {
  const [, mode, file] = args as [string, string, string];
  const { main } = await import('../apps/cli/src/main.js');
  await import('../apps/cli/src/commands/sigs-scan.js'); // module loading is not timed (either side)
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let result: Omit<ChildResult, 'seconds' | 'cpuSeconds' | 'maxRssKb'>;
  if (mode === 'keygrade') {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await main(['sigs', 'scan', file, '--json', '--reveal-keys'], { cwd: process.cwd(), env: {}, stdin: Readable.from([]), stdout, stderr: process.stderr, interactive: false, stdoutIsTTY: false, now: () => new Date() });
    const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { signatures: number; findings: { r: string; keys: { privateKey?: string }[] }[] };
    if (code !== 1) throw new Error(`sigs scan exited ${code}`);
    result = { signatures: report.signatures, findings: report.findings.map((f) => ({ r: f.r, recovered: f.keys.flatMap((k) => (k.privateKey ? [k.privateKey] : [])) })) };
  } else {
    const first = new Map<string, number>();
    const repeated = new Set<string>();
    let n = 0;
    let lineNo = 0;
    for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
      lineNo++;
      if (line === '' || line.startsWith('#')) continue;
      for (const s of extractSignatures(line, `${file}:${lineNo}`, true).sigs) {
        const r = s.r.toString(16).padStart(64, '0');
        n++;
        if (first.has(r)) repeated.add(r);
        else first.set(r, lineNo);
      }
    }
    result = { signatures: n, findings: [...repeated].map((r) => ({ r, recovered: [] })) };
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ ...result, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}

// ---- the input file ------------------------------------------------------------------------
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A P2WPKH spend by key d signed with the chosen nonce k (the planted reuse), with its prevout. */
function reuseLine(d: bigint, k: bigint, seed: string): string {
  const pub = secp256k1.getPublicKey(numberToBytesBE(d, 32), true);
  const pay = p2wpkh(pub);
  const prev = sha256(utf8(seed));
  const tx = new Transaction();
  tx.addInput({ txid: prev, index: 0, witnessUtxo: { script: pay.script, amount: 50_000n } });
  tx.addOutput({ script: pay.script, amount: 49_000n });
  const z = tx.preimageWitnessV0(0, new Uint8Array([0x76, 0xa9, 0x14, ...pay.hash, 0x88, 0xac]), 1, 50_000n);
  const r = Fn.create(secp256k1.Point.BASE.multiply(k).x);
  const s = Fn.div(Fn.add(bytesToNumberBE(z), Fn.mul(r, d)), k);
  const der = secp256k1.Signature.fromBytes(new Uint8Array([...numberToBytesBE(r, 32), ...numberToBytesBE(s, 32)]), 'compact').toBytes('der');
  const raw = RawTx.encode({ version: 2, segwitFlag: true, inputs: [{ txid: prev, index: 0, finalScriptSig: new Uint8Array(0), sequence: 0xffffffff }], outputs: [{ amount: 49_000n, script: pay.script }], witnesses: [[new Uint8Array([...der, 1]), pub]], lockTime: 0 });
  return `${bytesToHex(raw)} 50000:${bytesToHex(pay.script)}`;
}

function generate(path: string, sigs: number, perTx: number, write = true): { planted: { r: string; d: string }[]; lines: number } {
  let x = 0x9e3779b9;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const bytes = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[rnd() & 255];
    return s;
  };
  const keys = Array.from({ length: 1000 }, () => `02${bytes(32)}`);
  const planted = Array.from({ length: 5 }, (_, i) => {
    const d = bytesToNumberBE(sha256(utf8(`planted key ${i}`))) % N;
    const k = bytesToNumberBE(sha256(utf8(`planted nonce ${i}`))) % N;
    return { d, k, r: Fn.create(secp256k1.Point.BASE.multiply(k).x), at: [Math.floor(((i + 0.2) / 5) * (sigs / perTx)), Math.floor(((i + 0.7) / 5) * (sigs / perTx))] };
  });
  const result = () => planted.map((p) => ({ r: p.r.toString(16).padStart(64, '0'), d: p.d.toString(16).padStart(64, '0') }));
  if (!write) return { planted: result(), lines: Math.ceil(sigs / perTx) + 5 };
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 24);
  let o = 0;
  const put = (s: string) => {
    if (o + s.length + 1 > chunk.length) {
      writeSync(fd, chunk, 0, o);
      o = 0;
    }
    o += chunk.write(s, o, 'latin1');
  };
  let lines = 0;
  put('# synthetic wallet history for bench/sigs.ts\n');
  for (let done = 0, t = 0; done < sigs; t++) {
    for (const p of planted) {
      const j = p.at.indexOf(t);
      if (j >= 0) {
        put(`${reuseLine(p.d, p.k, `planted ${p.d} ${j}`)}\n`);
        done++;
        lines++;
      }
    }
    const k = Math.min(perTx, sigs - done);
    if (k <= 0) break;
    let line = `020000000001${HEX[k]}`;
    for (let i = 0; i < k; i++) line += `${bytes(32)}${HEX[rnd() & 15]}000000` + '00ffffffff';
    line += `011027000000000000160014${bytes(20)}`;
    for (let i = 0; i < k; i++) line += `02473044022${'0'}${HEX[rnd() & 127]}${bytes(31)}0220${HEX[rnd() & 127]}${bytes(31)}0121${keys[rnd() % keys.length]}`;
    put(`${line}00000000\n`);
    done += k;
    lines++;
  }
  writeSync(fd, chunk, 0, o);
  closeSync(fd);
  return { planted: result(), lines };
}

function child(mode: string, file: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--max-old-space-size=16000', '--conditions=keygrade-source', '--import', 'tsx', self, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${mode} child failed (${r.status})`);
  return JSON.parse(r.stdout) as ChildResult;
}

// ---- main ----------------------------------------------------------------------------------
const sigs = opt('signatures', 10_000_000);
const perTx = Math.min(250, opt('per-tx', 10));
console.log(`Keygrade nonce-reuse scan benchmark — ${new Date().toISOString()}`);
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
// --keep <path>: write the input there and keep it (reused by later runs with the same options).
const keep = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : undefined;
const dir = keep ? undefined : mkdtempSync(join(tmpdir(), 'keygrade-bench-sigs-'));
const file = keep ?? join(dir!, 'history.txt');
try {
  let t0 = process.hrtime.bigint();
  const reused = keep !== undefined && existsSync(file);
  const { planted, lines } = generate(file, sigs, perTx, !reused);
  console.log(`load        ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1/5/15 min) before the scans`);
  console.log(`input       ${sigs.toLocaleString('en-US')} signatures in ${lines.toLocaleString('en-US')} transactions (${perTx} inputs each), ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, ${reused ? 'reused' : `written in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`}; 5 planted same-key reuses`);
  const check = (name: string, r: ChildResult, keys: boolean) => {
    const missing = planted.filter((p) => !r.findings.some((f) => f.r === p.r && (!keys || f.recovered.includes(p.d))));
    const extra = r.findings.filter((f) => !planted.some((p) => p.r === f.r));
    if (missing.length || extra.length || r.signatures !== sigs) throw new Error(`${name}: ${missing.length} planted reuses missed, ${extra.length} unexpected findings, ${r.signatures} signatures`);
  };
  const kg = child('keygrade', file);
  check('keygrade', kg, true);
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`keygrade    ${kg.seconds.toFixed(2)} s wall (${kg.cpuSeconds.toFixed(2)} s CPU), peak RSS ${mb(kg.maxRssKb)}, ${(sigs / kg.seconds / 1e6).toFixed(2)} M signatures/s; 5/5 planted reuses found, 5/5 keys recovered (target ≤ 10 s, ≤ 2 GB); load after ${load()}`);
  if (!args.includes('--skip-baseline')) {
    const base = child('baseline', file);
    check('baseline', base, false);
    console.log(`baseline    ${base.seconds.toFixed(2)} s wall (${base.cpuSeconds.toFixed(2)} s CPU), peak RSS ${mb(base.maxRssKb)}, ${(sigs / base.seconds / 1e6).toFixed(2)} M signatures/s (readline + RawTx decoder + Map of r hex; finds the r values, recovers nothing); load after ${load()}`);
    console.log(`ratio       wall ${(base.seconds / kg.seconds).toFixed(2)}× faster, CPU ${(base.cpuSeconds / kg.cpuSeconds).toFixed(2)}× less, memory ${(base.maxRssKb / kg.maxRssKb).toFixed(2)}× less`);
  }

  if (args.includes('--skip-derivation')) process.exit(0);
  // Address derivation: descriptor → addresses (each cross-checked) against a direct derivation.
  const root = HDKey.fromMasterSeed(sha256(utf8('bench seed')));
  const xpubs = [0, 1, 2].map((i) => root.derive(`m/48'/0'/${i}'/2'`));
  const count = opt('addresses', 2000);
  const time = (f: () => number) => {
    t0 = process.hrtime.bigint();
    const n = f();
    return n / (Number(process.hrtime.bigint() - t0) / 1e9);
  };
  const single = `wpkh(${xpubs[0]!.publicExtendedKey}/<0;1>/*)`;
  const multi = `wsh(sortedmulti(2,${xpubs.map((k) => `${k.publicExtendedKey}/<0;1>/*`).join(',')}))`;
  const kgSingle = time(() => deriveAddresses(single, { count }).length);
  const kgMulti = time(() => deriveAddresses(multi, { count }).length);
  const directSingle = time(() => {
    let n = 0;
    for (const chain of [0, 1]) {
      const c = xpubs[0]!.deriveChild(chain);
      for (let i = 0; i < count; i++, n++) if (!p2wpkh(c.deriveChild(i).publicKey!).address) throw new Error('no address');
    }
    return n;
  });
  const directMulti = time(() => {
    let n = 0;
    for (const chain of [0, 1]) {
      const cs = xpubs.map((k) => k.deriveChild(chain));
      for (let i = 0; i < count; i++, n++) {
        const keys = cs.map((c) => c.deriveChild(i).publicKey!).sort((a, b) => Buffer.compare(a, b));
        if (!p2wsh(p2ms(2, keys)).address) throw new Error('no address');
      }
    }
    return n;
  });
  console.log(`derivation  wpkh: ${kgSingle.toFixed(0)} addresses/s (direct @scure/bip32 + btc-signer ${directSingle.toFixed(0)}/s, ${(directSingle / kgSingle).toFixed(2)}×); wsh(sortedmulti 2-of-3): ${kgMulti.toFixed(0)}/s (direct ${directMulti.toFixed(0)}/s, ${(directMulti / kgMulti).toFixed(2)}×)`);
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
