/** Evidence upload (multipart: `file` + metadata fields, platform.md "Domain API"). */
import { api, seg } from '../../api/client';
import type { Evidence } from '../../api/types';

export interface EvidenceMeta {
  title: string;
  sourceSystem?: string;
  tool?: string;
  parameters?: string;
  owner?: string;
  /** YYYY-MM-DD (a date input's value), as the server expects. */
  expiresAt?: string;
}

export async function uploadEvidence(orgId: string, file: File, meta: EvidenceMeta): Promise<Evidence> {
  const form = new FormData();
  // Fields before the file, so a streaming parser sees the metadata first.
  form.append('title', meta.title);
  for (const k of ['sourceSystem', 'tool', 'parameters', 'owner'] as const) {
    const v = meta[k]?.trim();
    if (v) form.append(k, v);
  }
  if (meta.expiresAt) form.append('expiresAt', meta.expiresAt);
  form.append('file', file, file.name);
  const r = await api<{ evidence: Evidence }>(`/api/orgs/${seg(orgId)}/evidence`, { method: 'POST', body: form });
  return r.evidence;
}

export function evidenceUrl(id: string): string {
  return `/api/evidence/${seg(id)}/content`;
}
