/**
 * "Keys and wallets" of a system (/systems/:systemId/wallets, issue 8): the key inventory, the
 * wallet check and the PSBT check, each check attachable to one of the system's assessments.
 * Reached from the system page (WalletsCard). Inventories hold xpubs and locations only: the
 * server refuses private keys and seeds, and nothing here ever asks for them.
 */
import { useEffect } from 'react';
import { api, seg } from '../../api/client';
import type { AssessmentSummary, System } from '../../api/types';
import { ErrorMessage, Loading, Page } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useSignedIn } from '../../session';
import { PsbtCheckSection, WalletCheckSection } from './checks';
import { InventorySection } from './inventory';
import './wallets.css';

export const walletsPath = (systemId: string) => `/systems/${seg(systemId)}/wallets`;

/** The link from the system page. */
export function WalletsCard({ systemId }: { systemId: string }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="wallets-card-h">
      <h2 id="wallets-card-h">{t('wallet.title')}</h2>
      <p className="hint">{t('wallet.cardIntro')}</p>
      <Link className="btn" to={walletsPath(systemId)}>
        {t('wallet.open')}
      </Link>
    </section>
  );
}

export function WalletsPage({ systemId, onOrg }: { systemId: string; onOrg(orgId: string): void }) {
  const { t } = useI18n();
  const session = useSignedIn();
  const sys = useLoad(() => api<{ system: System; assessments: AssessmentSummary[] }>(`/api/systems/${seg(systemId)}`), [systemId]);
  const orgId = sys.data?.system.orgId;
  useEffect(() => {
    if (orgId) onOrg(orgId);
  }, [orgId, onOrg]);
  if (sys.error) {
    return (
      <Page title={t('wallet.title')}>
        <ErrorMessage error={sys.error} />
      </Page>
    );
  }
  if (!sys.data) return <Loading />;
  const role = session.memberships.find((m) => m.org.id === orgId)?.role;
  // As the server's role table: system:write imports, answer:write attaches, org:read checks.
  const canImport = role === 'owner' || role === 'security_lead';
  const canAttach = canImport || role === 'keyholder';
  const assessments = [...sys.data.assessments].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Page
      title={t('wallet.pageTitle', { system: sys.data.system.name })}
      wide
      actions={
        <Link className="btn" to={`/systems/${seg(systemId)}`}>
          {t('wallet.back')}
        </Link>
      }
    >
      <p className="hint">{t('wallet.intro')}</p>
      <InventorySection systemId={systemId} canImport={canImport} />
      <WalletCheckSection systemId={systemId} assessments={assessments} canAttach={canAttach} />
      <PsbtCheckSection systemId={systemId} assessments={assessments} canAttach={canAttach} />
    </Page>
  );
}
