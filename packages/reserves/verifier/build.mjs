#!/usr/bin/env node
// Builds the proof-of-reserves verifier page: one self-contained HTML file (inline script and
// style, a Content-Security-Policy that allows nothing else, so the page cannot reach the
// network) at packages/reserves/dist/verifier.html, and prints its SHA-256 to publish.
//
//   node packages/reserves/verifier/build.mjs [--out <file>]
//
// The script is packages/reserves/verifier/page.ts bundled by esbuild with the package's own
// verifier (src/check.ts -> verify.ts, @noble/hashes, @noble/curves, @keygrade/tlog's RFC 8785).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));

const sha256b64 = (text) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

/** Builds the page; returns { html, sha256, bytes }. Writes it to `out` when given. */
export async function buildVerifier(out) {
  const bundle = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'inline',
    conditions: ['keygrade-source'],
    define: { KEYGRADE_VERSION: JSON.stringify(pkg.version) },
    logLevel: 'silent',
  });
  // An inline script must not contain "</script"; esbuild escapes it in strings, check anyway.
  const script = bundle.outputFiles[0].text.trim();
  if (/<\/script/i.test(script)) throw new Error('the bundle contains "</script"');
  const style = readFileSync(join(here, 'style.css'), 'utf8').trim();
  const html = readFileSync(join(here, 'template.html'), 'utf8')
    .replace('{{SCRIPT_HASH}}', sha256b64(script))
    .replace('{{STYLE_HASH}}', sha256b64(style))
    .replace('{{STYLE}}', () => style)
    .replace('{{SCRIPT}}', () => script);
  const sha256 = createHash('sha256').update(html, 'utf8').digest('hex');
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, html);
  }
  return { html, sha256, bytes: Buffer.byteLength(html) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? resolve(process.argv[i + 1]) : join(here, '..', 'dist', 'verifier.html');
  const { sha256, bytes } = await buildVerifier(out);
  console.log(`${out} (${(bytes / 1024).toFixed(1)} KiB)`);
  console.log(`sha256 ${sha256}`);
}
