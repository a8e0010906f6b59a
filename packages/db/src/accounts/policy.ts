/** The security policy of accounts, in one place so the docs and the code cannot drift apart. */
export interface AccountPolicy {
  /** Idle timeout of a session (ms): 12 h. */
  sessionIdleMs: number;
  /** Absolute lifetime of a session (ms): 7 days. */
  sessionAbsoluteMs: number;
  /** Invitations expire after 7 days. */
  invitationMs: number;
  /** Failed logins that lock an account: 5 … */
  lockoutThreshold: number;
  /** … within 15 minutes … */
  lockoutWindowMs: number;
  /** … lock it for 15 minutes. */
  lockoutMs: number;
  /** Login attempts per IP address per window (all accounts together). */
  ipLoginLimit: number;
  ipLoginWindowMs: number;
  /** Sign-ups per IP address per window. */
  ipSignupLimit: number;
  ipSignupWindowMs: number;
}

export const DEFAULT_POLICY: AccountPolicy = {
  sessionIdleMs: 12 * 3600_000,
  sessionAbsoluteMs: 7 * 86_400_000,
  invitationMs: 7 * 86_400_000,
  lockoutThreshold: 5,
  lockoutWindowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
  ipLoginLimit: 30,
  ipLoginWindowMs: 15 * 60_000,
  ipSignupLimit: 20,
  ipSignupWindowMs: 60 * 60_000,
};

export const ORG_ROLES = ['owner', 'security_lead', 'keyholder', 'viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
/** Roles that must have TOTP enabled before they may use anything but /api/auth/* (engagement roles too, later). */
export const MFA_ROLES: ReadonlySet<string> = new Set(['owner', 'external_auditor', 'peer_reviewer']);

export function isOrgRole(r: string): r is OrgRole {
  return (ORG_ROLES as readonly string[]).includes(r);
}
