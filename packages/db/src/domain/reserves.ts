/** Proof-of-reserves snapshots stored per system (the manifests; the trees stay with the custodian). */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { By } from './systems.js';
import type { ReserveSnapshotTable } from './tables.js';

export interface ReserveSnapshot {
  id: string;
  orgId: string;
  systemId: string;
  snapshotId: string;
  sequence: number;
  time: string;
  label: string | null;
  manifestHash: string;
  previousHash: string | null;
  chain: string;
  signers: string[];
  public: boolean;
  evidenceId: string | null;
  createdAt: string;
  createdBy: string;
}

export type NewReserveSnapshot = Omit<ReserveSnapshot, 'id' | 'createdAt' | 'createdBy'> & { manifest: string };

function fromRow(r: Selectable<ReserveSnapshotTable>): ReserveSnapshot {
  return {
    id: r.id,
    orgId: r.org_id,
    systemId: r.system_id,
    snapshotId: r.snapshot_id,
    sequence: Number(r.sequence),
    time: r.time,
    label: r.label,
    manifestHash: r.manifest_hash,
    previousHash: r.previous_hash,
    chain: r.chain,
    signers: JSON.parse(r.signers) as string[],
    public: Number(r.public) === 1,
    evidenceId: r.evidence_id,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

export async function addReserveSnapshot(k: Kysely<Database>, s: NewReserveSnapshot, by: By): Promise<ReserveSnapshot> {
  const row = {
    id: randomUUID(),
    org_id: s.orgId,
    system_id: s.systemId,
    snapshot_id: s.snapshotId,
    sequence: s.sequence,
    time: s.time,
    label: s.label,
    manifest_hash: s.manifestHash,
    previous_hash: s.previousHash,
    chain: s.chain,
    signers: JSON.stringify(s.signers),
    manifest: s.manifest,
    public: s.public ? 1 : 0,
    evidence_id: s.evidenceId,
    created_at: by.at.toISOString(),
    created_by: by.actor,
  };
  await k.insertInto('reserve_snapshot').values(row).execute();
  return fromRow(row);
}

/** The system's snapshots, newest (highest sequence) first. */
export async function listReserveSnapshots(k: Kysely<Database>, systemId: string): Promise<ReserveSnapshot[]> {
  const rows = await k.selectFrom('reserve_snapshot').selectAll().where('system_id', '=', systemId).orderBy('sequence', 'desc').orderBy('created_at', 'desc').execute();
  return rows.map(fromRow);
}

export async function getReserveSnapshot(k: Kysely<Database>, id: string): Promise<(ReserveSnapshot & { manifest: string }) | undefined> {
  const r = await k.selectFrom('reserve_snapshot').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...fromRow(r), manifest: r.manifest } : undefined;
}

/** The manifest text of the system's latest snapshot, to chain the next one to. */
export async function latestReserveManifest(k: Kysely<Database>, systemId: string): Promise<string | undefined> {
  const r = await k.selectFrom('reserve_snapshot').select('manifest').where('system_id', '=', systemId).orderBy('sequence', 'desc').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return r?.manifest;
}
