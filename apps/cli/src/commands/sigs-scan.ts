import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { LineSplitter, NonceScanner, type ScanReport } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError } from '../exit.js';
import { out, type Io } from '../io.js';
import { progressBar } from '../progress.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'sigs scan',
  summary: 'Scan raw transactions for ECDSA nonce reuse (repeated r values), recover exposed private keys, and flag known nonces.',
  description: [
    'Input: one transaction per line, `<raw tx hex> [<amount>:<scriptPubKey hex>,…]` with one prevout per input in input',
    'order (`-` when unknown); `#` comments and blank lines are skipped. Legacy (P2PKH, P2SH multisig) sighashes need',
    'no prevouts; BIP 143 (P2WPKH, P2WSH multisig) sighashes need the amounts. Signatures are parsed with lax DER,',
    'as historical ones may be non-strict; Taproot (Schnorr) inputs are not scanned.',
    'Two passes: the first streams every file and indexes only r values; the second re-reads the lines that hold a',
    'repeated or known r (k = 1, k = 1/2), computes sighashes (legacy, BIP 143) and solves for the nonce and key.',
    'A recovered key is confirmed by d·G = public key and printed only with --reveal-keys.',
    'Exit 0 when no nonce is shared, 1 when one is (same key or across keys), 2 on malformed input (file:line:column).',
    'Known nonces alone are reported but do not fail the scan (they are deliberate, e.g. puzzle outputs).',
  ].join('\n'),
  args: ['<file...>'],
  options: {
    json: { type: 'boolean', description: 'print the report as JSON' },
    'reveal-keys': { type: 'boolean', description: 'include recovered private keys (hex) in the output' },
    ...ATTACH_OPTIONS,
  },
  examples: ['keygrade sigs scan wallet-history.txt', 'keygrade sigs scan 2024-*.txt --json', 'keygrade sigs scan suspicious.txt --reveal-keys'],
};

async function eachLine(io: Io, file: string, fn: (line: string, n: number) => void, bar?: (read: number) => void): Promise<void> {
  const path = resolve(io.cwd, file);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let read = 0;
  if (bar) stream.on('data', (c) => bar((read += c.length)));
  let n = 0;
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) fn(line, ++n);
  } finally {
    stream.destroy();
  }
}

/** Streams a regular file's lines as bytes (no string per line): the first pass over large histories. */
async function eachLineBytes(io: Io, file: string, fn: (b: Uint8Array, start: number, end: number, n: number) => void, bar?: (read: number) => void): Promise<void> {
  const stream = createReadStream(resolve(io.cwd, file), { highWaterMark: 1 << 22 });
  const lines = new LineSplitter();
  let read = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      lines.push(chunk, fn);
      bar?.((read += chunk.length));
    }
    lines.end(fn);
  } finally {
    stream.destroy();
  }
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const regular = new Set<string>();
  const sizes = positionals.map((f) => {
    try {
      const st = statSync(resolve(io.cwd, f));
      if (st.isFile()) regular.add(f);
      return st.size;
    } catch (e) {
      throw new ExitError(EXIT.usage, `cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  // Pass 1: stream every file, index r values only (a signature is ~150 bytes of hex).
  const scanner = new NonceScanner(Math.max(1 << 12, Math.floor(total / 150)));
  const bar = progressBar(io, 'indexing signatures', total);
  let done = 0;
  // A pipe cannot be read twice: its lines are kept in memory during pass 1.
  const piped = new Map<string, string>();
  try {
    for (const [i, f] of positionals.entries()) {
      const progress = (read: number) => bar.update(done + read, total);
      if (regular.has(f)) await eachLineBytes(io, f, (b, start, end, n) => scanner.addBytes(b, start, end, f, n), progress);
      else
        await eachLine(io, f, (line, n) => {
          scanner.add(line, f, n);
          piped.set(`${f}:${n}`, line);
        }, progress);
      done += sizes[i]!;
    }
  } finally {
    bar.done();
  }
  // Pass 2: re-read only the lines holding a repeated or known r.
  const wanted = scanner.wanted();
  const lines = new Map<string, string>();
  if (wanted.size > 0) {
    for (const f of positionals) {
      const take = (line: string, n: number) => {
        if (wanted.has(`${f}:${n}`)) lines.set(`${f}:${n}`, line);
      };
      const want = new Set([...wanted].filter((w) => w.startsWith(`${f}:`) && /^\d+$/.test(w.slice(f.length + 1))).map((w) => Number(w.slice(f.length + 1))));
      const utf8 = new TextDecoder();
      if (regular.has(f)) {
        if (want.size > 0) await eachLineBytes(io, f, (b, start, end, n) => {
          if (want.has(n)) take(utf8.decode(b.subarray(start, end)), n);
        });
      }
      else for (const [k, line] of piped) if (k.startsWith(`${f}:`)) take(line, Number(k.slice(f.length + 1)));
    }
  }
  const missing = [...wanted].filter((w) => !lines.has(w));
  if (missing.length > 0) throw new ExitError(EXIT.usage, `${missing[0]}: the line changed between the two passes (was the file modified during the scan?)`);
  const report = scanner.report(lines, values['reveal-keys'] === true);
  if (values.json) out(io, JSON.stringify(report, null, 2));
  else print(io, report);
  return attachResult(io, spec, { values, positionals }, report, report.findings.some((f) => f.kind !== 'known-nonce') ? EXIT.checkFailed : EXIT.ok);
}

function print(io: Io, r: ScanReport): void {
  const bad = r.findings.filter((f) => f.kind !== 'known-nonce').length;
  out(io, `${bad ? 'NONCE REUSE' : 'OK'}: ${r.signatures.toLocaleString('en-US')} ECDSA signatures in ${r.transactions.toLocaleString('en-US')} transactions, ${bad} shared nonce${bad === 1 ? '' : 's'}, ${r.findings.length - bad} known nonce${r.findings.length - bad === 1 ? '' : 's'}`);
  for (const f of r.findings) {
    out(io, `${f.kind === 'known-nonce' ? `known nonce (${f.knownNonce})` : f.kind}: r = ${f.r}`);
    out(io, `  ${f.explanation}`);
    for (const s of f.signatures) out(io, `  ${s.file}:${s.line}  ${s.txid}:${s.vin}  ${s.spend}${s.pubkey ? `  key ${s.pubkey}` : ''}${s.verified === false ? '  (does not verify)' : ''}${s.highS ? '  high-S' : ''}${s.strictDer ? '' : '  non-strict DER'}`);
    for (const k of f.keys) out(io, `  key ${k.pubkey}: ${k.exposed ? `PRIVATE KEY RECOVERED (d·G matches)${k.privateKey ? ` d = ${k.privateKey}` : ' — rerun with --reveal-keys to print it'}` : 'not recovered'}`);
  }
}
