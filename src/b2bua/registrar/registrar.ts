/**
 * The registrar (RFC 3261 §10.3) on drachtio-srf: authenticates REGISTERs with Digest,
 * keeps each user's bindings in the Store (so they survive a restart of the app and are
 * shared by every gateway on the same Redis), and tells the call path how to reach each
 * registered device over the flow it registered on (flow-source.ts).
 *
 * Bindings live under the AOR `sip:<username>@<domain>`, whatever host the UA put in its
 * To header (phones register to an IP address as often as to a name): the registrar is
 * responsible for one domain, so §10.3 step 1 has nothing to refuse.
 */
import type Srf from 'drachtio-srf';
import type { Logger } from 'pino';
import type { LiveBinding } from '../../state/index.js';
import { DigestAuthenticator } from './digest-authenticator.js';
import { flowProxy, parseSource } from './flow-source.js';
import { OptionsKeepalive } from './options-keepalive.js';
import { applyPlan } from './apply-plan.js';
import { planRegister } from './register-request.js';
import type {
  AuthResult, FlowSource, ReachableContact, RegistrarOptions, RegistrarRequest, RegistrarResponse, RegistrarSrf, RegistrarUser, SrfHandler,
} from './registrar-types.js';
import { contactHeader, dateHeader } from './response-headers.js';

/** Retry-After on a 503 when the store fails (architecture §3: store down → 503 + Retry-After). */
const STORE_RETRY_AFTER_S = 5;

export class Registrar {
  private readonly byUsername: ReadonlyMap<string, RegistrarUser>;
  private readonly byId: ReadonlyMap<string, RegistrarUser>;
  private readonly auth: DigestAuthenticator;
  private readonly log: Logger;
  private keepalive: OptionsKeepalive | undefined;

  constructor(private readonly o: RegistrarOptions) {
    this.byUsername = new Map(o.users.map((u) => [u.sip.username, u]));
    this.byId = new Map(o.users.map((u) => [u.id, u]));
    this.log = o.logger.child({ component: 'registrar' });
    this.auth = new DigestAuthenticator({
      store: o.store, users: this.byUsername, realm: o.realm ?? o.domain, settings: o.settings, clock: o.clock, logger: this.log,
      ...(o.nonceSecret ? { nonceSecret: o.nonceSecret } : {}),
    });
  }

  /** Installs the REGISTER handler (and starts OPTIONS keepalives when configured). */
  register(srf: Srf | RegistrarSrf): void {
    // The real Srf has these methods at runtime; its shipped types declare `request` otherwise.
    const app = srf as unknown as RegistrarSrf;
    app.use('register', (req, res) => void this.onRegister(req, res));
    if (this.o.keepalive && !this.keepalive) {
      this.keepalive = new OptionsKeepalive({
        srf: app, store: this.o.store, clock: this.o.clock, logger: this.log, settings: this.o.keepalive,
        aors: () => [...this.byUsername.keys()].map((u) => this.aorOf(u)),
        route: (b) => ({ uri: b.contact, ...reachOf(b).uacOptions }),
      });
      this.keepalive.start();
    }
  }

  /**
   * Digest authentication for any request from a device: answers 401/403 itself (or 503
   * if the store fails) and says what it did; proceed only on `Authenticated` (or `Exempt`).
   */
  async authenticate(req: RegistrarRequest, res: RegistrarResponse): Promise<AuthResult> {
    try {
      return await this.auth.authenticate(req, res);
    } catch (err) {
      this.storeFailed(res, err);
      return { type: 'Failed', status: 503 };
    }
  }

  /** `srf.use('invite', registrar.middleware())`: lets authenticated requests through to the next handler. */
  middleware(): SrfHandler {
    return (req, res, next) => {
      void this.authenticate(req, res).then((r) => {
        if (r.type === 'Authenticated' || r.type === 'Exempt') next();
      });
    };
  }

  /** The user's live contacts, highest q first, each with the srf options that reach it. */
  async lookup(userId: string): Promise<ReachableContact[]> {
    const user = this.byId.get(userId);
    if (!user) return [];
    const bindings = await this.o.store.listBindings(this.aorOf(user.sip.username));
    return bindings.map(reachOf).sort((a, b) => (b.q ?? 1) - (a.q ?? 1));
  }

  /** The AOR bindings are kept under. */
  aorOf(username: string): string {
    return `sip:${username}@${this.o.domain}`;
  }

  /** Stops the keepalive loop (the handler stays installed: srf has no way to remove it). Idempotent. */
  async close(): Promise<void> {
    await this.keepalive?.close();
  }

  destroy(): void {
    void this.keepalive?.close();
  }

  private async onRegister(req: RegistrarRequest, res: RegistrarResponse): Promise<void> {
    let sent = false;
    const once: RegistrarResponse = {
      send: (status, reason, opts) => {
        sent = true;
        res.send(status, reason, opts);
      },
    };
    try {
      await this.handleRegister(req, once);
    } catch (err) {
      if (!sent) this.storeFailed(once, err);
      else this.log.warn({ err: String(err) }, 'REGISTER failed after its response');
    }
  }

  private async handleRegister(req: RegistrarRequest, res: RegistrarResponse): Promise<void> {
    const auth = await this.auth.authenticate(req, res);
    if (auth.type !== 'Authenticated') return;
    const planned = planRegister(req, this.o.settings, flowOf(req));
    if (!planned.ok) return res.send(planned.status, planned.reason, { headers: { ...planned.headers } });
    // §10.3 step 5: an authenticated user may only change the bindings of its own AOR.
    if (planned.toUser !== auth.username) return res.send(403, 'Forbidden', { headers: {} });
    const aor = this.aorOf(auth.username);
    const refused = await applyPlan(this.o.store, aor, planned.plan, this.o.maxBindingsPerUser ?? 10);
    if (refused) return res.send(refused.status, refused.reason, { headers: {} });
    const bindings = await this.o.store.listBindings(aor);
    this.log.info({ aor, plan: planned.plan.type, bindings: bindings.length }, 'REGISTER accepted');
    const outbound = planned.plan.type === 'Update' && planned.plan.changes.some((c) => c.binding.regId !== undefined);
    res.send(200, 'OK', { headers: okHeaders(req, bindings, outbound, (this.o.epochNow ?? Date.now)()) });
  }

  private storeFailed(res: RegistrarResponse, err: unknown): void {
    this.log.error({ err: String(err) }, 'store failed while authenticating or registering');
    res.send(503, 'Service Unavailable', { headers: { 'Retry-After': String(STORE_RETRY_AFTER_S) } });
  }
}

function flowOf(req: RegistrarRequest): FlowSource {
  const base = { protocol: req.protocol, address: req.source_address, port: Number(req.source_port) };
  return req.receivedOn ? { ...base, receivedOn: req.receivedOn } : base;
}

/** §10.3 step 8, RFC 3327 §5.3 (Path echoed), RFC 5626 §6 (Require: outbound when reg-id was used). */
function okHeaders(req: RegistrarRequest, bindings: readonly LiveBinding[], outbound: boolean, epochMs: number): Record<string, string> {
  const headers: Record<string, string> = { Date: dateHeader(epochMs) };
  if (bindings.length > 0) headers['Contact'] = contactHeader(bindings);
  const path = req.get('Path');
  if (path) headers['Path'] = path;
  if (outbound) headers['Require'] = 'outbound';
  return headers;
}

function reachOf(b: LiveBinding): ReachableContact {
  const source = parseSource(b.source);
  const path = b.path ?? [];
  const proxy = flowProxy(b.contact, source);
  const uacOptions = {
    ...(proxy ? { proxy } : {}),
    // RFC 3327 §5.3: requests to the AOR follow the Path as a pre-loaded Route set.
    ...(path.length > 0 ? { headers: { Route: path.join(', ') } } : {}),
  };
  return {
    uri: b.contact, expiresInMs: b.expiresInMs, path, uacOptions,
    ...(b.q === undefined ? {} : { q: b.q }),
    ...(b.instanceId === undefined ? {} : { instanceId: b.instanceId }),
    ...(b.regId === undefined ? {} : { regId: b.regId }),
    ...(b.userAgent === undefined ? {} : { userAgent: b.userAgent }),
    ...(source ? { source } : {}),
  };
}
