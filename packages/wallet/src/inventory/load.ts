/**
 * Reads a key inventory from YAML or CSV text (the caller reads the file: this package does no IO)
 * and validates it, reporting every problem as `file:line: path: message`.
 *
 * CSV: one table per file, recognised by its header — keys (`id,holder,organization,site,…` with
 * optional `country,region` creating the site, `device,vendor` creating the device) or backups
 * (`key,medium,site,encrypted,…`; `seals` as `serial@date=intact|…`).
 */
import type { Problem } from '@keygrade/errors';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { ZodError } from 'zod';
import { WalletError } from '../errors.js';
import { Inventory } from './schema.js';

/** Parses and validates an inventory. `file` only names the source in errors. */
export function parseInventory(text: string, file: string): Inventory {
  return /\.csv$/i.test(file) ? parseCsvInventory(text, file) : parseYamlInventory(text, file);
}

/** Merges several inventories (e.g. a keys CSV and a backups CSV). */
export function mergeInventories(parts: Inventory[]): Inventory {
  const byId = <T extends { id: string }>(xs: T[]) => [...new Map(xs.map((x) => [x.id, x])).values()];
  return {
    sites: byId(parts.flatMap((p) => p.sites)),
    devices: byId(parts.flatMap((p) => p.devices)),
    keys: parts.flatMap((p) => p.keys),
    backups: parts.flatMap((p) => p.backups),
  };
}

function fail(file: string, problems: Problem[]): never {
  throw new WalletError('INVENTORY_INVALID', `${file}: the key inventory does not validate (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
}

export function parseYamlInventory(text: string, file: string): Inventory {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) fail(file, doc.errors.map((e) => ({ file, line: lc.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! })));
  let data: unknown;
  try {
    // toJS expands aliases with the yaml library's limit; an alias bomb is bad input, not a crash.
    data = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (e) {
    fail(file, [{ file, message: `the YAML cannot be read: ${(e as Error).message.split('\n')[0]!}` }]);
  }
  const r = Inventory.safeParse(data);
  if (!r.success) {
    fail(file, issues(r.error, (path) => {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
      }
      return undefined;
    }, file));
  }
  checkReferences(r.data, file, (kind, i) => {
    const node = doc.getIn([kind, i], true);
    return isNode(node) && node.range ? lc.linePos(node.range[0]).line : undefined;
  });
  return r.data;
}

function issues(e: ZodError, lineOf: (path: (string | number)[]) => number | undefined, file: string): Problem[] {
  return e.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    const line = lineOf(path);
    return { file, ...(line !== undefined ? { line } : {}), path: path.join('.'), message: i.message };
  });
}

/** Every key names a known site and device; every backup a known key and site; ids are unique. */
function checkReferences(inv: Inventory, file: string, lineOf: (kind: string, i: number) => number | undefined): void {
  const problems: Problem[] = [];
  const at = (kind: string, i: number, field: string, message: string) => {
    const line = lineOf(kind, i);
    problems.push({ file, ...(line !== undefined ? { line } : {}), path: `${kind}.${i}.${field}`, message });
  };
  const sites = new Set(inv.sites.map((s) => s.id));
  const devices = new Set(inv.devices.map((d) => d.id));
  const keys = new Set<string>();
  inv.keys.forEach((k, i) => {
    if (keys.has(k.id)) at('keys', i, 'id', `duplicate key id ${JSON.stringify(k.id)}`);
    keys.add(k.id);
    if (!sites.has(k.site)) at('keys', i, 'site', `unknown site ${JSON.stringify(k.site)} (list it under sites)`);
    if (k.device !== undefined && !devices.has(k.device)) at('keys', i, 'device', `unknown device ${JSON.stringify(k.device)} (list it under devices)`);
    if (!k.xpub && !k.fingerprint) at('keys', i, 'xpub', 'a key needs an xpub or a fingerprint to be matched with the descriptor');
  });
  inv.backups.forEach((b, i) => {
    if (!keys.has(b.key)) at('backups', i, 'key', `unknown key ${JSON.stringify(b.key)}`);
    if (!sites.has(b.site)) at('backups', i, 'site', `unknown site ${JSON.stringify(b.site)}`);
  });
  if (problems.length > 0) fail(file, problems);
}

/** Splits one CSV line (RFC 4180 quoting; no embedded newlines). */
function csvCells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"' && cur === '') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

const bool = (s: string): boolean | string => (/^(true|yes|y|1)$/i.test(s) ? true : /^(false|no|n|0)$/i.test(s) ? false : s);
const list = (s: string) => (s === '' ? [] : s.split('|').map((x) => x.trim()));

export function parseCsvInventory(text: string, file: string): Inventory {
  const lines = text.split(/\r?\n/);
  let h = 0;
  while (h < lines.length && (lines[h]!.trim() === '' || lines[h]!.startsWith('#'))) h++;
  if (h >= lines.length) fail(file, [{ file, message: 'empty CSV: expected a header row' }]);
  const header = csvCells(lines[h]!).map((c) => c.toLowerCase());
  const kind = header.includes('medium') ? 'backups' : header.includes('holder') ? 'keys' : undefined;
  if (!kind) fail(file, [{ file, line: h + 1, message: 'unknown CSV table: a keys table has a "holder" column, a backups table a "medium" column' }]);
  const inv: { sites: unknown[]; devices: unknown[]; keys: unknown[]; backups: unknown[] } = { sites: [], devices: [], keys: [], backups: [] };
  const lineOfRow: number[] = [];
  const problems: Problem[] = [];
  for (let n = h + 1; n < lines.length; n++) {
    const raw = lines[n]!;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const cells = csvCells(raw);
    if (cells.length !== header.length) {
      problems.push({ file, line: n + 1, message: `${cells.length} cells, the header has ${header.length}` });
      continue;
    }
    const row = Object.fromEntries(header.map((k, i) => [k, cells[i]!]));
    const opt = (k: string) => (row[k] ? row[k] : undefined);
    lineOfRow.push(n + 1);
    if (kind === 'keys') {
      if (row.country) inv.sites.push({ id: row.site, country: row.country, region: opt('region'), name: opt('site_name') });
      if (row.vendor && row.device) inv.devices.push({ id: row.device, vendor: row.vendor, model: opt('model') });
      inv.keys.push({
        id: row.id,
        xpub: opt('xpub'),
        fingerprint: opt('fingerprint'),
        path: opt('path'),
        holder: row.holder,
        organization: row.organization,
        site: row.site,
        device: opt('device'),
        created: row.created_method ? { method: row.created_method, by: row.created_by, date: opt('created_date'), ceremony: opt('ceremony') } : undefined,
      });
    } else {
      if (row.country) inv.sites.push({ id: row.site, country: row.country, region: opt('region') });
      inv.backups.push({
        id: opt('id'),
        key: row.key,
        medium: row.medium,
        site: row.site,
        encrypted: bool(row.encrypted ?? ''),
        accessControl: opt('access_control'),
        environmental: list(row.environmental ?? ''),
        // seals: "serial" or "serial@YYYY-MM-DD=intact:SERIALSEEN" entries separated by "|"
        seals: list(row.seals ?? '').map((s) => {
          const [serial, ...insp] = s.split('@');
          return {
            serial,
            inspections: insp.map((x) => {
              const [d, rest = ''] = x.split('=');
              const [state, seen] = rest.split(':');
              return { date: d, intact: state === 'intact', serial: seen || serial };
            }),
          };
        }),
      });
    }
  }
  if (problems.length > 0) fail(file, problems);
  const r = Inventory.safeParse(inv);
  if (!r.success) fail(file, issues(r.error, (path) => (typeof path[1] === 'number' && (path[0] === 'keys' || path[0] === 'backups') ? lineOfRow[path[1]] : undefined), file));
  const merged = mergeInventories([r.data]);
  if (kind === 'keys') checkReferences(merged, file, (k, i) => (k === 'keys' ? lineOfRow[i] : undefined));
  return merged;
}
