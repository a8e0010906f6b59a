/**
 * The compliance pages' routes, registered in app.tsx with one line:
 *   /orgs/:orgId/compliance[?register=]     the registers of an organization (and its webhook)
 *   /assessments/:id/compliance[?at=]       the compliance view of an assessment on a day
 *   /notifications                          the signed-in user's notifications
 */
import type { ReactNode } from 'react';
import { match } from '../../router';
import { CompliancePage } from './compliance-page';
import { NotificationsPage } from './notifications';
import { RegistersPage } from './registers-page';

/** The page for `path`, or null when it is not a compliance page. */
export function compliancePage(path: string, onOrg: (orgId: string) => void): ReactNode | null {
  let m: Record<string, string> | null;
  if (path === '/notifications') return <NotificationsPage />;
  if ((m = match('/orgs/:orgId/compliance', path))) return <RegistersPage key={m.orgId} orgId={m.orgId!} onOrg={onOrg} />;
  if ((m = match('/assessments/:id/compliance', path))) return <CompliancePage key={m.id} assessmentId={m.id!} onOrg={onOrg} />;
  return null;
}
