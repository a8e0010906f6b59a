/**
 * Test helper: reads the open CCSS reference data (shared/reference) from $KEYGRADE_REFERENCE_DIR
 * into a plain structure: aspects -> controls -> { id, title, levels }.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface RefControl {
  id: string;
  title: string;
  levels: number[];
  uncertified: boolean;
}
export interface RefAspect {
  id: string;
  title: string;
  controls: RefControl[];
}

/** The reference folder, or undefined (with the reason) when tests must skip. */
export function referenceDir(): { dir?: string; reason?: string } {
  const dir = process.env.KEYGRADE_REFERENCE_DIR;
  if (!dir) return { reason: 'KEYGRADE_REFERENCE_DIR is not set' };
  if (!existsSync(dir)) return { reason: `KEYGRADE_REFERENCE_DIR=${dir} does not exist` };
  return { dir };
}

/** Reads a component-style edition (2020 or 2021) of the open CCSS YAML data. */
export function readComponentReference(dir: string, edition: string): RefAspect[] {
  const folder = join(dir, edition, 'aspects');
  return readdirSync(folder)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(folder, f), 'utf8');
      // The files write ids like 1.01 unquoted; read them as strings (version: 1.1 keeps "1.01" from becoming 1.01 the float).
      const doc = parse(text, { schema: 'failsafe' }) as { id: string; title: string; components: { component?: Record<string, string> }[] };
      return {
        id: doc.id,
        title: doc.title,
        controls: doc.components.map((entry) => {
          const c = (typeof entry.component === 'object' && entry.component !== null ? entry.component : entry) as Record<string, string>;
          return {
            id: String(c.id),
            title: String(c.title_short),
            levels: (['level_one', 'level_two', 'level_three'] as const).flatMap((k, i) => (c[k] ? [i + 1] : [])),
            uncertified: Boolean(c.uncertified),
          };
        }),
      };
    });
}

interface V9 {
  aspects: { id: string; title: string; controls: { id: string; title: string; requirements: { id: string; level: number }[] }[] }[];
}

/** Reads the v9 structure file. */
export function readV9Reference(dir: string): V9 {
  return JSON.parse(readFileSync(join(dir, 'ccss-v9', 'structure.json'), 'utf8')) as V9;
}
