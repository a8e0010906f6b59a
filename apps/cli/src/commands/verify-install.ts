import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkManifestSignatures, compareFiles, filesDigest, fromHex, parseManifest, type FileComparison, type FileHashes, type SignatureCheck } from '@keygrade/ceremony';
import { hashInstalledFiles, MANIFEST_PATH_IN_PACKAGE } from '@keygrade/ceremony/node';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readInput } from '../files.js';
import { out, type Io } from '../io.js';

/**
 * Ed25519 public keys (hex) of Keygrade's release signers, pinned in the source so a verifier
 * needs nothing from the network (CCSS 1.01 Level II: the software's signature is validated before
 * each execution). The release maintainer adds their key here in the release commit; until then
 * `--key` names the key to trust. See docs/guide/key-ceremony.md, "The release step".
 */
export const RELEASE_KEYS: readonly string[] = [];

export const spec: CommandSpec = {
  name: 'verify-install',
  summary: 'Check the installed Keygrade files against the signed release manifest: signature, then missing, changed and extra files.',
  description: [
    'The release process (scripts/release-manifest.mjs) hashes every file the CLI loads — apps/cli and the @keygrade packages it uses (package.json, bin/, dist/), and the audited @noble/@scure cryptography — into a manifest signed with Ed25519, installed as apps/cli/dist/release-manifest.json.',
    'The signature is checked against the release keys pinned in this build, or the keys given with --key (hex, or a file holding the hex or a PEM public key). Run it before a key ceremony; `keygrade ceremony new` runs the same check and records the result in the transcript.',
    'Exit 0 when the manifest is signed by a trusted key and every file matches; 1 when the signature, a file or the manifest itself is missing or wrong; 2 when the manifest is malformed.',
  ].join('\n'),
  args: [],
  options: {
    manifest: { type: 'string', value: '<file>', description: 'the release manifest (default: the one installed with the CLI)' },
    key: { type: 'string', value: '<hex-or-file>', description: 'trust this Ed25519 release key (comma-separated for several), in addition to the pinned ones' },
    json: { type: 'boolean', description: 'print { status, manifest, signatures, files: { checked, matched, missing, changed, extra }, softwareSha256 } as JSON' },
  },
  examples: ['keygrade verify-install', 'keygrade verify-install --key release-2026.pub', 'keygrade verify-install --manifest /media/usb/release-manifest.json --json'],
};

/** The CLI package folder (apps/cli, or node_modules/@keygrade/cli when installed). */
export function cliDir(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}

/** Reads Ed25519 public keys given as hex, or as files with hex or a PEM public key. */
export function publicKeysArg(io: Io, value: string | undefined): Uint8Array[] {
  if (!value) return [];
  return value.split(',').map((v) => v.trim()).filter(Boolean).map((v) => {
    if (/^[0-9a-fA-F]{64}$/.test(v)) return fromHex(v);
    const text = readInput(io, v).trim();
    if (/^[0-9a-fA-F]{64}$/.test(text)) return fromHex(text);
    const m = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(text);
    const der = m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : undefined;
    // SubjectPublicKeyInfo for Ed25519 (RFC 8410): a fixed 12-byte prefix and the 32-byte key.
    if (der && der.length === 44 && der.subarray(0, 12).equals(Buffer.from('302a300506032b6570032100', 'hex'))) return new Uint8Array(der.subarray(12));
    throw usage(`${v}: expected an Ed25519 public key as 64 hex digits or a PEM public key`);
  });
}

export interface InstallCheck {
  status: 'verified' | 'no-manifest' | 'failed';
  root: string;
  manifest: string;
  files: FileHashes;
  softwareSha256: string;
  signatures?: SignatureCheck;
  comparison?: FileComparison;
  reasons: string[];
}

/** Hashes the installed files and checks them against the release manifest and trusted keys. */
export function checkInstall(io: Io, manifestArg: string | undefined, extraKeys: readonly Uint8Array[]): InstallCheck {
  const dir = cliDir();
  const { root, files } = hashInstalledFiles(dir);
  const manifest = manifestArg ? resolve(io.cwd, manifestArg) : join(dir, MANIFEST_PATH_IN_PACKAGE);
  const base = { root, manifest, files, softwareSha256: filesDigest(files) };
  if (!existsSync(manifest)) {
    if (manifestArg) throw usage(`cannot read ${manifestArg}: no such file`);
    return { ...base, status: 'no-manifest', reasons: [`no release manifest at ${manifest}: this is not a signed release build`] };
  }
  const m = parseManifest(readFileSync(manifest, 'utf8'));
  const keys = [...RELEASE_KEYS.map(fromHex), ...extraKeys];
  const signatures = checkManifestSignatures(m, keys);
  const comparison = compareFiles(m.files, files);
  const reasons: string[] = [];
  if (keys.length === 0) reasons.push('no trusted release key: none is pinned in this build; pass the release key with --key');
  else if (signatures.validTrusted.length === 0) reasons.push(`no valid signature by a trusted key (${signatures.invalid.length} invalid, ${signatures.untrusted.length} by other keys)`);
  const n = comparison.missing.length + comparison.changed.length + comparison.extra.length;
  if (n > 0) reasons.push(`${comparison.missing.length} missing, ${comparison.changed.length} changed, ${comparison.extra.length} extra file${n === 1 ? '' : 's'}`);
  return { ...base, status: reasons.length === 0 ? 'verified' : 'failed', signatures, comparison, reasons };
}

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const r = checkInstall(io, values.manifest as string | undefined, publicKeysArg(io, values.key as string | undefined));
  const code = r.status === 'verified' ? EXIT.ok : EXIT.checkFailed;
  const c = r.comparison;
  if (values.json) {
    out(io, JSON.stringify({ status: r.status, manifest: r.manifest, signatures: r.signatures ?? null, files: { checked: Object.keys(r.files).length, matched: c?.matched ?? 0, missing: c?.missing ?? [], changed: c?.changed ?? [], extra: c?.extra ?? [] }, softwareSha256: r.softwareSha256, reasons: r.reasons }, null, 2));
    return code;
  }
  out(io, `Installed files: ${Object.keys(r.files).length} under ${r.root}`);
  out(io, `Software SHA-256: ${r.softwareSha256}`);
  out(io, `Release manifest: ${r.manifest}${r.status === 'no-manifest' ? ' (not found)' : ''}`);
  if (r.signatures) out(io, `Signatures: ${r.signatures.validTrusted.length ? `valid by trusted key ${r.signatures.validTrusted.join(', ')}` : 'none valid by a trusted key'}${r.signatures.invalid.length ? `; invalid: ${r.signatures.invalid.join(', ')}` : ''}${r.signatures.untrusted.length ? `; untrusted keys: ${r.signatures.untrusted.join(', ')}` : ''}`);
  if (c) {
    out(io, `Files: ${c.matched} match, ${c.missing.length} missing, ${c.changed.length} changed, ${c.extra.length} extra`);
    for (const [label, list] of [['missing', c.missing], ['changed', c.changed], ['extra', c.extra]] as const) for (const f of list.slice(0, 50)) out(io, `  ${label}: ${f}`);
  }
  for (const reason of r.reasons) out(io, `  ! ${reason}`);
  out(io, r.status === 'verified' ? 'Result: installation verified.' : 'Result: NOT VERIFIED.');
  return code;
}
