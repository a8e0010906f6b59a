/**
 * The effectful shell of self-verification (Node only): finding and hashing the files the CLI
 * loads. Used by `keygrade verify-install`, `keygrade ceremony new` (the software hash in the
 * transcript) and `scripts/release-manifest.mjs`, so the three always agree on the file set.
 *
 * The set: for the CLI package and every @keygrade package it depends on (transitively), its
 * package.json, `bin/` and `dist/` (build info and the release manifest itself left out); and the
 * audited cryptography it depends on (@noble/*, @scure/*), whole packages, resolved as Node
 * resolves them. Other third-party packages are held to the lockfile's integrity hashes by npm.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { FileHashes } from './release-manifest.js';

/** Where the CLI's release manifest lives inside its package. */
export const MANIFEST_PATH_IN_PACKAGE = join('dist', 'release-manifest.json');

const AUDITED = /^@(noble|scure)\//;

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function walk(dir: string, skip: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (skip(p)) return [];
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p, skip);
    if (e.isSymbolicLink()) return statSync(p).isDirectory() ? [] : [p];
    return e.isFile() ? [p] : [];
  });
}

/** Node's lookup of a package from `fromDir`: the nearest node_modules/<name> going up. */
function resolvePackageDir(name: string, fromDir: string): string | undefined {
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(d) === d) return undefined;
  }
}

/** The install root: the nearest folder above the CLI package that holds node_modules/@keygrade. */
export function installRoot(cliDir: string): string {
  for (let d = realpathSync(cliDir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', '@keygrade'))) return d;
    if (dirname(d) === d) return realpathSync(cliDir);
  }
}

interface Pkg {
  dependencies?: Record<string, string>;
}

/** The installed files of the CLI at `cliDir` and their SHA-256, keyed by `/`-separated path from the install root. */
export function hashInstalledFiles(cliDir: string): { root: string; files: FileHashes } {
  const root = installRoot(cliDir);
  const cli = realpathSync(cliDir);
  const manifest = join(cli, MANIFEST_PATH_IN_PACKAGE);
  const files: FileHashes = {};
  const seen = new Set<string>();
  const queue: { dir: string; ours: boolean }[] = [{ dir: cli, ours: true }];
  while (queue.length > 0) {
    const { dir, ours } = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Pkg;
    const skip = (p: string) => p === manifest || p.endsWith('.tsbuildinfo');
    const list = ours ? [join(dir, 'package.json'), ...walk(join(dir, 'bin'), skip), ...walk(join(dir, 'dist'), skip)] : walk(dir, skip);
    for (const f of list) files[relative(root, f).split(sep).join('/')] = sha256File(f);
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const isOurs = dep.startsWith('@keygrade/');
      if (!isOurs && !AUDITED.test(dep)) continue;
      const d = resolvePackageDir(dep, dir);
      if (d) queue.push({ dir: d, ours: isOurs });
    }
  }
  return { root, files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
