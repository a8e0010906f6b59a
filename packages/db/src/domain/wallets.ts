/**
 * Storage of key inventories (issue 8, migration 011): each system keeps the sites, devices, keys
 * and backups of its wallets as versions. An import appends a version (never overwrites one): the
 * merged inventory @keygrade/wallet validated, its SHA-256, the uploaded files as they were, who
 * imported it and when. The server validates (and refuses private keys and seeds) before writing
 * here, inside its `audited` transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { VersionConflict } from './errors.js';
import type { By } from './systems.js';

/** Table type of migration 011. */
export interface WalletInventoryTable {
  id: string;
  org_id: string;
  system_id: string;
  /** 1, 2, … per system. */
  version: number;
  /** The merged inventory (@keygrade/wallet `Inventory`), JSON. */
  body: string;
  /** SHA-256 of `body`. */
  sha256: string;
  /** JSON array of the uploaded files: { name, format, sha256, size, text }. */
  files: string;
  note: string | null;
  created_at: string;
  created_by: string;
}

interface WalletTables {
  wallet_inventory: WalletInventoryTable;
}

/** The query builder with the table of migration 011 (schema.ts does not list it). */
const kw = (k: Kysely<Database>) => k as unknown as Kysely<Database & WalletTables>;

/** An uploaded inventory file, kept as it was. */
export interface InventoryFile {
  name: string;
  format: 'yaml' | 'csv';
  sha256: string;
  size: number;
  text: string;
}

/** A version without its content (for lists). */
export interface InventoryVersionInfo {
  version: number;
  sha256: string;
  note: string | null;
  createdAt: string;
  createdBy: string;
  files: Omit<InventoryFile, 'text'>[];
  counts: { sites: number; devices: number; keys: number; backups: number };
}

/** A version with the inventory and the uploaded files. */
export interface InventoryVersion extends InventoryVersionInfo {
  id: string;
  orgId: string;
  systemId: string;
  inventory: Record<string, unknown>;
  fileTexts: InventoryFile[];
}

const count = (inv: Record<string, unknown>, k: string) => (Array.isArray(inv[k]) ? (inv[k] as unknown[]).length : 0);

function fromRow(r: Selectable<WalletInventoryTable>): InventoryVersion {
  const inventory = JSON.parse(r.body) as Record<string, unknown>;
  const files = JSON.parse(r.files) as InventoryFile[];
  return {
    id: r.id,
    orgId: r.org_id,
    systemId: r.system_id,
    version: Number(r.version),
    sha256: r.sha256,
    note: r.note,
    createdAt: r.created_at,
    createdBy: r.created_by,
    files: files.map(({ name, format, sha256, size }) => ({ name, format, sha256, size })),
    counts: { sites: count(inventory, 'sites'), devices: count(inventory, 'devices'), keys: count(inventory, 'keys'), backups: count(inventory, 'backups') },
    inventory,
    fileTexts: files,
  };
}

/** Every version of a system's inventory, newest first, without the content. */
export async function listInventoryVersions(k: Kysely<Database>, systemId: string): Promise<InventoryVersionInfo[]> {
  const rows = await kw(k).selectFrom('wallet_inventory').selectAll().where('system_id', '=', systemId).orderBy('version', 'desc').execute();
  return rows.map((r) => {
    const { version, sha256, note, createdAt, createdBy, files, counts } = fromRow(r);
    return { version, sha256, note, createdAt, createdBy, files, counts };
  });
}

/** One version of a system's inventory (the latest when `version` is undefined), or undefined. */
export async function getInventoryVersion(k: Kysely<Database>, systemId: string, version?: number): Promise<InventoryVersion | undefined> {
  let q = kw(k).selectFrom('wallet_inventory').selectAll().where('system_id', '=', systemId);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  const r = await q.executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

export interface NewInventoryVersion {
  orgId: string;
  systemId: string;
  /** The validated, merged inventory. */
  inventory: Record<string, unknown>;
  files: InventoryFile[];
  note?: string | undefined;
  /**
   * The version the importer last saw (0: none yet). When given and another import came in
   * between, VersionConflict (409) with the current version's information.
   */
  expectedVersion?: number | undefined;
}

/** Appends a version; call inside the `audited` transaction of the import. */
export async function addInventoryVersion(k: Kysely<Database>, v: NewInventoryVersion, who: By): Promise<InventoryVersion> {
  const current = await kw(k).selectFrom('wallet_inventory').select(['version', 'created_at', 'created_by']).where('system_id', '=', v.systemId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  const currentVersion = current ? Number(current.version) : 0;
  if (v.expectedVersion !== undefined && v.expectedVersion !== currentVersion) {
    throw new VersionConflict(`the key inventory is at version ${currentVersion} (imported ${current?.created_at ?? ''} by ${current?.created_by ?? ''}), not ${v.expectedVersion}; reload and import again`, { version: currentVersion });
  }
  const body = JSON.stringify(v.inventory);
  const row: WalletInventoryTable = {
    id: randomUUID(),
    org_id: v.orgId,
    system_id: v.systemId,
    version: currentVersion + 1,
    body,
    sha256: createHash('sha256').update(body).digest('hex'),
    files: JSON.stringify(v.files),
    note: v.note ?? null,
    created_at: who.at.toISOString(),
    created_by: who.actor,
  };
  // The unique (system_id, version) index turns a concurrent import of the same version into a conflict.
  try {
    await kw(k).insertInto('wallet_inventory').values(row).execute();
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    if (err.code === '23505' || /UNIQUE constraint failed/.test(String(err.message))) {
      throw new VersionConflict(`another import of the key inventory created version ${row.version} at the same time; reload and import again`, { version: row.version });
    }
    throw e;
  }
  return fromRow(row);
}
