/**
 * File-system side of the catalog: reads edition folders and crosswalk files shipped with the
 * package (or from another folder) and hands their text to the pure builders.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogError } from '@keygrade/errors';
import { buildEdition, type SourceFile } from '../build-edition.js';
import { Catalog } from '../catalog.js';
import { parseCrosswalk } from '../crosswalk.js';
import type { Edition } from '../model.js';

/** The package root (works from src/node and dist/node alike). */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Folder of the editions shipped with Keygrade. */
export const SHIPPED_EDITIONS_DIR = join(packageRoot, 'editions');
/** Folder of the crosswalks shipped with Keygrade. */
export const SHIPPED_CROSSWALKS_DIR = join(packageRoot, 'crosswalks');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.yaml') ? [p] : [];
  });
}

/** Reads every `.yaml` file under an edition folder and builds the edition. */
export function loadEditionDir(dir: string): Edition {
  let paths: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    paths = walk(dir);
  } catch (cause) {
    throw new CatalogError('CATALOG_READ_FAILED', `cannot read edition folder ${dir}: ${(cause as Error).message}`, { cause });
  }
  const files: SourceFile[] = paths.map((p) => ({ path: relative(dir, p).split('\\').join('/'), displayName: p, text: readFileSync(p, 'utf8') }));
  return buildEdition(files);
}

/** The ids of the editions found in a folder (one sub-folder each), sorted. */
export function listEditionDirs(dir: string = SHIPPED_EDITIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Opens the catalog of shipped editions and crosswalks. Editions load lazily, once per Catalog.
 * @example const catalog = openCatalog(); const ed = catalog.edition('ccss-2020');
 */
export function openCatalog(
  options: { editionsDir?: string; crosswalksDir?: string; wordingFor?: (id: string) => { text: string; source: string } | undefined } = {},
): Catalog {
  const editionsDir = options.editionsDir ?? SHIPPED_EDITIONS_DIR;
  const crosswalksDir = options.crosswalksDir ?? SHIPPED_CROSSWALKS_DIR;
  return new Catalog({
    editionIds: listEditionDirs(editionsDir),
    loadEdition: (id) => loadEditionDir(join(editionsDir, id)),
    loadCrosswalks: () => {
      let names: string[];
      try {
        names = readdirSync(crosswalksDir).filter((n) => n.endsWith('.yaml')).sort();
      } catch {
        return [];
      }
      return names.map((n) => {
        const p = join(crosswalksDir, n);
        return { displayName: p, text: readFileSync(p, 'utf8') };
      });
    },
    parseCrosswalk,
    ...(options.wordingFor ? { wordingFor: options.wordingFor } : {}),
  });
}
