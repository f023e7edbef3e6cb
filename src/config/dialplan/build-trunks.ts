/**
 * trunks[]: unique names, at least one direction, source networks parsed (and not
 * shared between trunks: an INVITE's source address is how its trunk is recognised),
 * outbound URIs checked and credentials resolved.
 */
import type { Issues, Path } from './issues.js';
import { parseSource } from './network-source.js';
import type { RawDialplan, RawTrunk } from './raw-dialplan.js';
import { resolveSecret } from './resolve-secret.js';
import { checkSipUri } from './sip-uri.js';
import type { EnvMap, SourceNetwork, Trunk, TrunkOutbound } from './types.js';

export interface TrunkContext {
  readonly issues: Issues;
  readonly env: EnvMap;
  readonly limits: RawDialplan['limits'];
}

export function buildTrunks(raw: readonly RawTrunk[], ctx: TrunkContext): Trunk[] {
  const names = new Map<string, number>();
  const sources = new Map<string, number>();
  return raw.map((trunk, i) => {
    const path = ['trunks', i];
    const first = names.get(trunk.name);
    if (first === undefined) names.set(trunk.name, i);
    else ctx.issues.add([...path, 'name'], `"${trunk.name}" is already the name of trunks[${first}]`, 'give each trunk a different name');
    if (!trunk.inbound && !trunk.outbound) {
      ctx.issues.add(path, `trunk "${trunk.name}" has neither inbound nor outbound`, 'add inbound.sources (where the carrier sends calls from) and/or outbound.uri (where calls to it go)');
    }
    return {
      name: trunk.name,
      inbound: trunk.inbound && { sources: buildSources(trunk.inbound.sources, [...path, 'inbound', 'sources'], sources, ctx.issues) },
      outbound: trunk.outbound && buildOutbound(trunk.outbound, [...path, 'outbound'], ctx),
      numberFormat: trunk.numberFormat,
      limits: { concurrentCalls: trunk.limits.concurrentCalls ?? ctx.limits.concurrentCallsPerTrunk },
    };
  });
}

function buildSources(raw: readonly string[], path: Path, owners: Map<string, number>, issues: Issues): SourceNetwork[] {
  const trunkIndex = path[1] as number;
  const out: SourceNetwork[] = [];
  raw.forEach((text, j) => {
    const parsed = parseSource(text);
    if (!parsed.ok) {
      issues.add([...path, j], `${JSON.stringify(text)} is not an IP address or CIDR block: ${parsed.reason}`, 'write an address or a block, e.g. 203.0.113.10, 203.0.113.0/24 or 2001:db8::/32');
      return;
    }
    const owner = owners.get(parsed.source.cidr);
    if (owner !== undefined) {
      const where = owner === trunkIndex ? 'earlier in this list' : `in trunks[${owner}]`;
      issues.add([...path, j], `${parsed.source.cidr} is already a source ${where}`, 'list each source once: calls from it must map to a single trunk');
      return;
    }
    owners.set(parsed.source.cidr, trunkIndex);
    out.push(parsed.source);
  });
  return out;
}

function buildOutbound(raw: NonNullable<RawTrunk['outbound']>, path: Path, ctx: TrunkContext): TrunkOutbound {
  checkSipUri(raw.uri, [...path, 'uri'], ctx.issues);
  const auth = raw.auth && resolveSecret(raw.auth.password, [...path, 'auth', 'password'], ctx.env, ctx.issues);
  return { uri: raw.uri, auth: raw.auth && auth ? { username: raw.auth.username, password: auth } : undefined };
}
