/**
 * What the shell asks the pure core for each new call, and how: the core's inputs are read
 * here from the dialplan, the Store and the Registrar — the policy (drain, overload, the
 * voicemail target), the line users with their runtime settings (only the one or two users
 * the call concerns read the Store), and a snapshot of calls in progress and registrations —
 * then decideInbound/decideOutbound runs and the decision is counted. The shell (call-shell.ts)
 * keeps the sessions' lifecycle; this file keeps the decision's inputs.
 */
import type { CallRequest, LineUser, Route, Snapshot } from '../../call/index.js';
import { decideInbound, decideOutbound, findCallee } from '../../call/index.js';
import type { Dialplan, User } from '../../config/index.js';
import type { Store } from '../../state/index.js';
import { effectiveSettings, readStoredSettings } from '../control/index.js';
import type { CallMetrics } from './call-metrics.js';
import type { CallRegistrar, ReachableDevice } from './call-registrar.js';
import { lineUserOf, policyFor, withEffectiveSettings } from './line-users.js';
import { isOverloadRefusal } from './overload-guard.js';
import type { OverloadSignal } from './overload-guard.js';

export interface CallDeciderDeps {
  dialplan: Dialplan;
  store: Store;
  registrar: CallRegistrar;
  metrics: CallMetrics;
  overload?: OverloadSignal | undefined;
  /** The core's voicemail target (see voicemailTarget()). */
  voicemailUri: string;
}

export interface Decision {
  route: Route;
  /** The registered devices of the users concerned, by Contact URI (the legs are built from them). */
  devices: Map<string, ReachableDevice>;
  /** The owner as the core saw it (runtime settings applied). */
  user: LineUser;
}

export class CallDecider {
  /** The dialplan's users as the core sees them, before runtime settings. */
  readonly users: LineUser[];
  private readonly dialplanUsers: ReadonlyMap<string, User>;

  constructor(private readonly d: CallDeciderDeps) {
    this.users = d.dialplan.users.map(lineUserOf);
    this.dialplanUsers = new Map(d.dialplan.users.map((u) => [u.id, u]));
  }

  async decide(request: CallRequest, owner: string, draining: boolean): Promise<Decision> {
    const policy = policyFor(this.d.dialplan, draining, this.d.voicemailUri, this.d.overload?.isOverloaded());
    const callee = request.direction === 'inbound' ? owner : findCallee(this.users, request.to, policy.numbering)?.id;
    const concerned = [...new Set([owner, ...(callee ? [callee] : [])])];
    // Only the users this call concerns read their runtime settings from the store; the rest of
    // the directory is the dialplan's (one array map per call, no promise per user).
    const settled = new Map<string, LineUser>();
    await Promise.all(concerned.map(async (id) => {
      const u = this.users.find((x) => x.id === id);
      if (u) settled.set(id, await this.withRuntimeSettings(u));
    }));
    const directory = settled.size === 0 ? this.users : this.users.map((u) => settled.get(u.id) ?? u);
    const { snapshot, devices } = await this.snapshot(concerned);
    const ctx = { policy, snapshot, directory };
    const user = directory.find((u) => u.id === owner) as LineUser;
    const route = request.direction === 'inbound' ? decideInbound(request, user, ctx) : decideOutbound(request, user, ctx);
    const overloaded = isOverloadRefusal(route);
    if (overloaded) this.d.overload?.refused();
    this.d.metrics.decision(overloaded ? 'reject-overload' : route.kind === 'reject' ? `reject-${route.disposition}` : route.kind);
    return { route, devices, user };
  }

  /** The dialplan user by id (undefined for an unknown id). */
  dialplanUser(id: string): User | undefined {
    return this.dialplanUsers.get(id);
  }

  /** effectiveSettings(): the control API's merge, so what the API writes is what calls read. */
  private async withRuntimeSettings(u: LineUser): Promise<LineUser> {
    const user = this.dialplanUsers.get(u.id);
    if (!user) return u;
    const stored = readStoredSettings((await this.d.store.getSettings(u.id))?.settings);
    return withEffectiveSettings(u, effectiveSettings(user, stored));
  }

  private async snapshot(userIds: readonly string[]): Promise<{ snapshot: Snapshot; devices: Map<string, ReachableDevice> }> {
    const byUser = new Map<string, number>();
    const byTrunk = new Map<string, number>();
    const registrations = new Map<string, { contact: string; instanceId?: string }[]>();
    const devices = new Map<string, ReachableDevice>();
    await Promise.all([
      ...userIds.map(async (id) => {
        byUser.set(id, (await this.d.store.getCounter('calls.user', id)).value);
        const live = await this.d.registrar.lookup(id);
        registrations.set(id, live.map((dev) => (dev.instanceId ? { contact: dev.uri, instanceId: dev.instanceId } : { contact: dev.uri })));
        for (const dev of live) devices.set(dev.uri, dev);
      }),
      ...this.d.dialplan.trunks.map(async (t) => byTrunk.set(t.name, (await this.d.store.getCounter('calls.trunk', t.name)).value)),
    ]);
    return { snapshot: { activeCallsByUser: byUser, activeCallsByTrunk: byTrunk, registrations }, devices };
  }
}

/** The core's voicemail target: with linegate's own service only a name (the shell makes the leg). */
export function voicemailTarget(dialplan: Dialplan, override: string | undefined): string {
  if (override !== undefined) return override;
  const vm = dialplan.voicemail;
  return vm?.service === 'external' ? vm.serviceUri : `sip:voicemail@${dialplan.domain}`;
}
