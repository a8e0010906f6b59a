/** Systems: the certified unit of an organization (name, designation, scope and boundary, wallets and assets). */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { DomainError, VersionConflict } from './errors.js';
import type { SystemTable } from './tables.js';

export interface System {
  id: string;
  orgId: string;
  name: string;
  designation: string;
  scope: string;
  boundary: string;
  wallets: string[];
  assets: string[];
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface SystemFields {
  name: string;
  designation?: string | undefined;
  scope?: string | undefined;
  boundary?: string | undefined;
  wallets?: string[] | undefined;
  assets?: string[] | undefined;
}

export interface By {
  actor: string;
  at: Date;
}

export function systemFromRow(r: Selectable<SystemTable>): System {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    designation: r.designation,
    scope: r.scope,
    boundary: r.boundary,
    wallets: JSON.parse(r.wallets) as string[],
    assets: JSON.parse(r.assets) as string[],
    version: Number(r.version),
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  };
}

async function nameTaken(k: Kysely<Database>, orgId: string, name: string, except?: string): Promise<boolean> {
  let q = k.selectFrom('system').select('id').where('org_id', '=', orgId).where('name', '=', name);
  if (except) q = q.where('id', '<>', except);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function createSystem(k: Kysely<Database>, orgId: string, f: SystemFields, who: By): Promise<System> {
  if (await nameTaken(k, orgId, f.name)) throw new DomainError('SYSTEM_NAME_TAKEN', `this organization already has a system named "${f.name}"`);
  const at = who.at.toISOString();
  const row = {
    id: randomUUID(),
    org_id: orgId,
    name: f.name,
    designation: f.designation ?? '',
    scope: f.scope ?? '',
    boundary: f.boundary ?? '',
    wallets: JSON.stringify(f.wallets ?? []),
    assets: JSON.stringify(f.assets ?? []),
    version: 1,
    created_at: at,
    created_by: who.actor,
    updated_at: at,
  };
  await k.insertInto('system').values(row).execute();
  return systemFromRow(row);
}

export async function getSystem(k: Kysely<Database>, id: string): Promise<System | undefined> {
  const r = await k.selectFrom('system').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? systemFromRow(r) : undefined;
}

export async function listSystems(k: Kysely<Database>, orgId: string): Promise<System[]> {
  const rows = await k.selectFrom('system').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
  return rows.map(systemFromRow);
}

/**
 * Changes a system if it is still at `version` (optimistic concurrency): otherwise throws
 * VERSION_CONFLICT carrying the current system, and writes nothing.
 */
export async function updateSystem(k: Kysely<Database>, id: string, patch: Partial<SystemFields>, version: number, who: By): Promise<System> {
  const current = await getSystem(k, id);
  if (!current) throw new DomainError('SYSTEM_NOT_FOUND', `no system ${id}`);
  if (patch.name !== undefined && (await nameTaken(k, current.orgId, patch.name, id))) throw new DomainError('SYSTEM_NAME_TAKEN', `this organization already has a system named "${patch.name}"`);
  const set: Partial<Selectable<SystemTable>> = { version: version + 1, updated_at: who.at.toISOString() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.designation !== undefined) set.designation = patch.designation;
  if (patch.scope !== undefined) set.scope = patch.scope;
  if (patch.boundary !== undefined) set.boundary = patch.boundary;
  if (patch.wallets !== undefined) set.wallets = JSON.stringify(patch.wallets);
  if (patch.assets !== undefined) set.assets = JSON.stringify(patch.assets);
  const r = await k.updateTable('system').set(set).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new VersionConflict(`the system was changed by someone else (now at version ${current.version}, you sent ${version})`, current);
  return (await getSystem(k, id))!;
}
