/**
 * Digest authentication of requests from devices (RFC 3261 §22, RFC 7616, RFC 8760),
 * the same for REGISTER, INVITE, MESSAGE, SUBSCRIBE…: a 401 with one challenge per
 * configured algorithm (strongest first), qop=auth only (nonce-count is what makes replay
 * detectable), nonces we sign ourselves and record in the Store.
 *
 * Order of checks, and why:
 * 1. Source locked → 403 (counted). 2. No usable credentials → 401, not a failure.
 * 3. Username locked → 403 (counted), before any password check.
 * 4. Password check, against a dummy secret for unknown users so that the work (and the
 *    answer: 401, counted) is the same whether or not the user exists.
 * 5. Only a correct response reaches the nonce: expired, forged or forgotten → 401
 *    stale=true (RFC 7616 §3.3: the UA may retry without asking the user); nc not above
 *    the last one seen → 401 (replay).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/index.js';
import type { Store } from '../../state/index.js';
import type { RegistrarSettings } from '../../config/index.js';
import { challengeHeaders, NonceIssuer, normaliseAlgorithm, parseAuthorization, verifyDigest, type DigestCredentials } from './digest.js';
import { Lockout, type LockScope } from './lockout.js';
import type { AuthResult, ChallengeReason, RegistrarRequest, RegistrarResponse, RegistrarUser } from './registrar-types.js';
import { multiValue } from './response-headers.js';

export interface DigestAuthenticatorOptions {
  readonly store: Store;
  readonly users: ReadonlyMap<string, RegistrarUser>;
  readonly realm: string;
  readonly settings: RegistrarSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly nonceSecret?: Buffer;
}

/** Said in the 403 of a lockout; the same for a user and a source. */
export const LOCKED_OUT_REASON = 'Too Many Failed Attempts';

export class DigestAuthenticator {
  private readonly issuer: NonceIssuer;
  private readonly lockout: Lockout;
  private readonly nonceMs: number;
  /** Verified against for unknown users: same work, never a match. */
  private readonly dummyPassword = randomBytes(18).toString('base64url');

  constructor(private readonly o: DigestAuthenticatorOptions) {
    this.nonceMs = o.settings.nonceLifetimeS * 1000;
    this.issuer = o.nonceSecret ? new NonceIssuer(o.nonceSecret, this.nonceMs) : NonceIssuer.withRandomSecret(this.nonceMs);
    this.lockout = new Lockout(o.store, o.settings.lockout);
  }

  async authenticate(req: RegistrarRequest, res: RegistrarResponse): Promise<AuthResult> {
    // RFC 3261 §22.1: CANCEL and ACK cannot be challenged (the UA could not resubmit them).
    if (req.method === 'ACK' || req.method === 'CANCEL') return { type: 'Exempt' };
    const source = req.source_address;
    if (await this.lockout.isLocked('source', source)) return this.lockedOut(res, 'source', source);
    const creds = this.usableCredentials(req.get('Authorization'));
    if (!creds) return this.challenge(res, false, 'no-credentials');
    const username = creds.username as string;
    if (await this.lockout.isLocked('user', username)) return this.lockedOut(res, 'user', username);
    const user = this.o.users.get(username);
    const verdict = verifyDigest(creds, req.method, user ? user.sip.password.reveal() : this.dummyPassword, this.o.realm);
    if (verdict === 'malformed') return this.challenge(res, false, 'unusable-credentials');
    if (verdict !== 'ok' || !user) return this.failed(res, username, source);
    return this.checkNonce(res, creds, user);
  }

  /** Digest, our realm, an algorithm we offer and qop=auth; anything else is simply challenged. */
  private usableCredentials(header: string | undefined): DigestCredentials | undefined {
    const c = header ? parseAuthorization(header) : undefined;
    if (!c || c.scheme !== 'digest' || !c.username || c.realm !== this.o.realm || c.qop !== 'auth' || !c.nc || !c.nonce) return undefined;
    const alg = normaliseAlgorithm(c.algorithm);
    return alg && this.o.settings.algorithms.includes(alg) ? c : undefined;
  }

  private async checkNonce(res: RegistrarResponse, c: DigestCredentials, user: RegistrarUser): Promise<AuthResult> {
    const nonce = c.nonce as string;
    const signed = this.issuer.check(nonce, this.o.clock.now());
    const use = signed === 'ok' ? await this.o.store.useNonce(nonce, parseInt(c.nc as string, 16)) : 'stale';
    if (use === 'replay') {
      this.o.logger.warn({ username: user.sip.username, nc: c.nc }, 'digest nonce-count replayed');
      return this.challenge(res, false, 'nonce-replay');
    }
    if (use !== 'ok') return this.challenge(res, true, 'stale-nonce');
    await this.lockout.succeed(user.sip.username);
    return { type: 'Authenticated', userId: user.id, username: user.sip.username };
  }

  private async failed(res: RegistrarResponse, username: string, source: string): Promise<AuthResult> {
    const locked = await this.lockout.fail(username, source);
    this.o.logger.info({ username, source, locked }, 'digest authentication failed');
    return locked ? this.sendLocked(res, locked) : this.challenge(res, false, 'wrong-credentials');
  }

  private async lockedOut(res: RegistrarResponse, scope: LockScope, id: string): Promise<AuthResult> {
    await this.lockout.countLocked(scope, id);
    this.o.logger.info({ scope, id }, 'request refused: locked out');
    return this.sendLocked(res, scope);
  }

  private sendLocked(res: RegistrarResponse, scope: LockScope): AuthResult {
    res.send(403, LOCKED_OUT_REASON, { headers: {} });
    return { type: 'LockedOut', scope };
  }

  private async challenge(res: RegistrarResponse, stale: boolean, reason: ChallengeReason): Promise<AuthResult> {
    const nonce = this.issuer.issue(this.o.clock.now());
    // Valid for the lifetime, then remembered as stale as long again, so a late retry is told stale=true.
    await this.o.store.putNonce(nonce, this.nonceMs, this.nonceMs);
    const challenges = challengeHeaders(this.o.realm, nonce, this.o.settings.algorithms, stale);
    res.send(401, 'Unauthorized', { headers: { 'WWW-Authenticate': multiValue('WWW-Authenticate', challenges) } });
    return { type: 'Challenged', stale, reason };
  }
}
