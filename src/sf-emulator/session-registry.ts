/**
 * Sessions (access tokens) and their expiry. A session ends after a period of inactivity —
 * Salesforce Help, 'Set Session Security' / 'Session Timeout': the timeout value is "the length
 * of time after which the system logs out inactive users" (default 2 hours) — after which REST
 * calls answer 401 INVALID_SESSION_ID (REST API Developer Guide, 'Status Codes and Error
 * Responses'). Tokens look like Salesforce's: `<org id>!<opaque>`.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/index.js';

export interface Session {
  readonly token: string;
  readonly username: string;
  lastUsedAt: number;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly orgId: string,
    private readonly clock: Clock,
    private readonly lifetimeMs: number,
  ) {}

  issue(username: string): Session {
    const token = `${this.orgId.slice(0, 15)}!AQ${randomBytes(48).toString('base64url')}`;
    const session: Session = { token, username, lastUsedAt: this.clock.now() };
    this.sessions.set(token, session);
    return session;
  }

  /** The live session for a token, touched (inactivity restarts); undefined if unknown, revoked or expired. */
  use(token: string): Session | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    const now = this.clock.now();
    if (now - session.lastUsedAt >= this.lifetimeMs) {
      this.sessions.delete(token);
      return undefined;
    }
    session.lastUsedAt = now;
    return session;
  }

  revoke(token: string): boolean {
    return this.sessions.delete(token);
  }

  /** Ends every session (as if an admin expired all sessions or the org was restarted). */
  revokeAll(): void {
    this.sessions.clear();
  }
}
