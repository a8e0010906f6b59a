#!/usr/bin/env node
// The release step of self-verification (CCSS 1.01 Level II): after `npm run build`, hash every
// file the CLI loads and sign the list with the release key (Ed25519), writing
// apps/cli/dist/release-manifest.json, which `keygrade verify-install` and `keygrade ceremony new`
// check. The file set is defined once, in @keygrade/ceremony/node, so signing and checking agree.
//
// Usage: node scripts/release-manifest.mjs [--key <pem>] [--out <file>] [--cli <dir>]
//   The key: --key, else $KEYGRADE_RELEASE_KEY_FILE (a path), else $KEYGRADE_RELEASE_KEY (the PEM
//   text itself). PKCS#8 PEM, e.g. from `keygrade ceremony keygen release.pem`.
import { createHash, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signManifest, MANIFEST_FORMAT, keyId, ed25519PublicKey, toHex } from '@keygrade/ceremony';
import { hashInstalledFiles, MANIFEST_PATH_IN_PACKAGE } from '@keygrade/ceremony/node';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({ options: { key: { type: 'string' }, out: { type: 'string' }, cli: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('Usage: node scripts/release-manifest.mjs [--key <pem>] [--out <file>] [--cli <dir>]\nKey from --key, $KEYGRADE_RELEASE_KEY_FILE or $KEYGRADE_RELEASE_KEY (PEM text).');
  process.exit(0);
}

function fail(message) {
  console.error(`release-manifest: ${message}`);
  process.exit(2);
}

const keyFile = values.key ?? process.env.KEYGRADE_RELEASE_KEY_FILE;
const pem = keyFile ? readFileSync(resolve(keyFile), 'utf8') : process.env.KEYGRADE_RELEASE_KEY;
if (!pem) fail('no release key: pass --key <pem>, or set KEYGRADE_RELEASE_KEY_FILE or KEYGRADE_RELEASE_KEY');
let secretKey;
try {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') fail(`the release key must be Ed25519 (got ${key.asymmetricKeyType})`);
  secretKey = new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).d, 'base64url'));
} catch (e) {
  fail(`cannot read the release key: ${e.message}`);
}

const cli = resolve(values.cli ?? join(root, 'apps', 'cli'));
const pkg = JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8'));
const { files } = hashInstalledFiles(cli);
if (!Object.keys(files).some((f) => f.endsWith('/dist/bin.js'))) fail(`no built CLI under ${cli}; run \`npm run build\` first`);
const manifest = signManifest({ format: MANIFEST_FORMAT, name: 'keygrade', version: pkg.version, createdAt: new Date().toISOString(), files }, secretKey);
const out = resolve(values.out ?? join(cli, MANIFEST_PATH_IN_PACKAGE));
const tmp = join(dirname(out), `.release-manifest.${process.pid}.tmp`);
writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
renameSync(tmp, out);
const pub = ed25519PublicKey(secretKey);
console.log(`Wrote ${out}: ${Object.keys(files).length} files, keygrade ${pkg.version}, signed by key ${keyId(pub)}.`);
console.log(`Release public key (pin it in apps/cli/src/commands/verify-install.ts RELEASE_KEYS, and publish it): ${toHex(pub)}`);
// The proof-of-reserves verifier page is published on its own: customers open it outside any install.
const page = join(root, 'packages', 'reserves', 'dist', 'verifier.html');
if (existsSync(page)) console.log(`Proof-of-reserves verifier page ${page}: sha256 ${createHash('sha256').update(readFileSync(page)).digest('hex')} (publish it with the release notes)`);
else fail(`no verifier page at ${page}; run \`npm run build\` first`);
