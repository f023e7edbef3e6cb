/**
 * The proxy behind srf.proxyRequest (wire protocol §5.4, §7.5) and loose routing of
 * requests inside Record-Routed dialogs, which never reach an app (§7.5, gotcha 11).
 */
import { createHash } from 'node:crypto';
import {
  buildResponse, getHeader, getHeaderValues, headerKey, parseVia, withContentLength,
} from '../message/index.js';
import type { SipHeader, SipRequest, SipResponse } from '../message/index.js';
import type { ServerTransaction, Source } from '../transaction/index.js';
import { responseDestination } from '../transaction/index.js';
import { isIPv6 } from '../transport/index.js';
import type { Destination } from '../transport/index.js';
import type { AppConnection } from '../wire/index.js';
import { formatNok, formatProxyContinue, formatProxyDone, wireTime } from '../wire/index.js';
import { parseAppMessage, recaseHeaderName } from './app-message.js';
import type { EngineContext } from './context.js';
import { firstHopUri, parseHop, resolveHop } from './next-hop.js';
import { ProxyFork, stripTopVia } from './proxy-fork.js';
import type { ProxyTarget } from './proxy-fork.js';
import { viaHeader } from './request-builder.js';
import type { LocalEndpoint } from './request-builder.js';
import { uriOf } from './uri-of.js';

/** Template headers an app may not change on a proxied request (§7.2 "safe" variant). */
const PROTECTED = new Set(['from', 'to', 'contact', 'p-asserted-identity', 'via', 'route', 'record-route', 'call-id', 'cseq', 'content-length', 'max-forwards']);


/** `2s`, `500ms`, `1m` → ms (srf passes drachtio's duration strings). */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+)(ms|s|m)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

export class ProxyCore {
  constructor(
    private readonly ctx: EngineContext,
    private readonly take: (app: AppConnection, txnId: string) => ProxyTarget | undefined,
  ) {}

  /** `proxy|txnId|remainInDialog|fullResponse|followRedirects|simultaneous|provTimeout|finalTimeout|dest…` */
  proxyFromApp(app: AppConnection, msgId: string, tokens: string[], sip: string): void {
    const txnId = tokens[2] ?? '';
    const target = this.take(app, txnId);
    if (!target) return this.ctx.appSend(app, formatNok(msgId, `Unknown transaction id: ${txnId}`));
    const { stx, req } = target;
    const mf = getHeader(req, 'max-forwards');
    if (mf !== undefined && Number(mf) <= 0) {
      // RFC 3261 §16.3 item 3 / RFC 4475 §3.3.11.
      stx.respond(withContentLength(buildResponse(req, 483)));
      return this.ctx.appSend(app, formatNok(msgId, 'Rejected with 483 Too Many Hops'));
    }
    const template = parseAppMessage(sip);
    const extra: SipHeader[] = template.ok
      ? template.message.headers.filter((h) => !PROTECTED.has(headerKey(h.name))).map((h) => ({ name: recaseHeaderName(h.name), value: h.value }))
      : [];
    const destinations = tokens.slice(9).filter((d) => d.length > 0).map((d) => (/^(sips?|tel):/i.test(d) ? d : `sip:${d}`));
    const recordRoute = tokens[3] === 'remainInDialog';
    const fork = new ProxyFork(this.ctx, stx, req, destinations, {
      simultaneous: tokens[6] === 'simultaneous',
      followRedirects: tokens[5] === 'followRedirects',
      provisionalTimeoutMs: parseDuration(tokens[7] ?? ''),
      finalTimeoutMs: parseDuration(tokens[8] ?? ''),
    }, {
      prepare: (dest) => this.prepareBranch(req, dest, recordRoute, extra),
      onTargetFinal: (res, src) => {
        if (tokens[4] !== 'fullResponse') return;
        const bytes = this.ctx.wireBytes(res);
        this.ctx.appSend(app, formatProxyContinue({
          clientMsgId: msgId, bytes: bytes.length, proto: src.protocol, address: src.remoteAddress,
          port: src.remotePort, time: wireTime(new Date()), sip: bytes.toString('utf8'),
        }));
      },
      onDone: () => this.ctx.appSend(app, formatProxyDone(msgId)),
    });
    target.attach(fork);
    fork.start();
  }

  /** §16.6: copy, Request-URI, Max-Forwards, Record-Route, Route, Via, then send. */
  private async prepareBranch(req: SipRequest, target: string, recordRoute: boolean, extra: SipHeader[]): Promise<{ ok: true; req: SipRequest; dest: Destination } | { ok: false; status: number }> {
    const reqUri = this.pointsAtUs(req.uri) && !/^tel:/i.test(req.uri) ? target : req.uri;
    const headers = req.headers.filter((h) => headerKey(h.name) !== 'max-forwards');
    // A preloaded Route naming us is ours to consume (§16.4).
    const firstRoute = headers.findIndex((h) => headerKey(h.name) === 'route');
    if (firstRoute >= 0 && this.pointsAtUs(uriOf((headers[firstRoute] as SipHeader).value))) headers.splice(firstRoute, 1);
    const routes = headers.filter((h) => headerKey(h.name) === 'route').map((h) => h.value);
    const hop = parseHop(routes.length ? firstHopUri(reqUri, routes) : target);
    if (!hop.ok) return { ok: false, status: 400 };
    const dest = await resolveHop(hop.hop);
    if (!dest.ok) return { ok: false, status: 503 };
    const local = this.local(dest.dest);
    if (!local) return { ok: false, status: 503 };
    const mf = Number(getHeader(req, 'max-forwards') ?? '71');
    const top: SipHeader[] = [viaHeader(local), { name: 'Max-Forwards', value: String(Math.max(0, mf - 1)) }];
    if (recordRoute) {
      const uri = `sip:${local.hostport};lr${dest.dest.protocol === 'tcp' ? ';transport=tcp' : ''}`;
      // REGISTER is Path-routed instead (RFC 3327).
      top.push(req.method === 'REGISTER' ? { name: 'Path', value: `<${uri}>` } : { name: 'Record-Route', value: `<${uri}>` });
    }
    const out: SipRequest = { ...req, uri: reqUri, headers: [...top, ...headers, ...extra] };
    return { ok: true, req: out, dest: dest.dest };
  }

  /** An in-dialog request whose top Route names us and which no dialog of ours owns: relay it. */
  handlesRequest(req: SipRequest, src: Source, stx: ServerTransaction): boolean {
    const route = getHeader(req, 'route');
    if (!route || !this.pointsAtUs(uriOf(getHeaderValues(req, 'route')[0] ?? ''))) return false;
    this.dropTopRoute(req);
    // A new request with a preloaded Route to us (a phone using us as outbound proxy), or an
    // in-dialog request whose target is us: the Route is consumed and we handle it (§16.4).
    if (!/;tag=/i.test(getHeader(req, 'to') ?? '') || this.pointsAtUs(req.uri)) return false;
    void this.relay(req, src, stx);
    return true;
  }

  private async relay(req: SipRequest, _src: Source, stx: ServerTransaction): Promise<void> {
    const mf = Number(getHeader(req, 'max-forwards') ?? '70');
    if (mf <= 0) return void stx.respond(withContentLength(buildResponse(req, 483)));
    const routes = getHeaderValues(req, 'route');
    const prepared = await this.prepareBranch(req, firstHopUri(req.uri, routes), false, []);
    if (!prepared.ok) return void stx.respond(withContentLength(buildResponse(req, prepared.status)));
    this.ctx.txl.sendRequest(prepared.req, prepared.dest, {
      onResponse: (res) => { if (res.status !== 100 || req.method !== 'INVITE') stx.respond(stripTopVia(res)); },
      onTimeout: () => stx.respond(withContentLength(buildResponse(req, 408))),
      onTransportError: () => stx.respond(withContentLength(buildResponse(req, 503))),
    });
  }

  /** An ACK to a 2xx routed through us: forwarded statelessly (RFC 3261 §16.11). */
  handlesAck(req: SipRequest): boolean {
    const first = getHeaderValues(req, 'route')[0];
    if (!first || !this.pointsAtUs(uriOf(first))) return false;
    this.dropTopRoute(req);
    if (this.pointsAtUs(req.uri)) return false;
    void this.forwardStateless(req);
    return true;
  }

  private async forwardStateless(req: SipRequest): Promise<void> {
    const hop = parseHop(firstHopUri(req.uri, getHeaderValues(req, 'route')));
    if (!hop.ok) return;
    const dest = await resolveHop(hop.hop);
    if (!dest.ok) return;
    const local = this.local(dest.dest);
    if (!local) return;
    // §16.11: a stateless proxy derives its branch from the incoming one, so a retransmission maps to the same branch.
    const inBranch = /branch=([^;,\s]+)/i.exec(getHeader(req, 'via') ?? '')?.[1] ?? '';
    const branch = `z9hG4bK${createHash('sha1').update(inBranch).digest('hex').slice(0, 20)}`;
    const mf = Number(getHeader(req, 'max-forwards') ?? '70');
    const headers = req.headers.filter((h) => headerKey(h.name) !== 'max-forwards');
    const out: SipRequest = {
      ...req,
      headers: [{ name: 'Via', value: `${local.sentBy};branch=${branch}` }, { name: 'Max-Forwards', value: String(Math.max(0, mf - 1)) }, ...headers],
    };
    this.ctx.sendStateless(out, dest.dest);
  }

  /** A response for no transaction of ours but with our Via on top (a late 2xx we proxied): pass it on (§16.11). */
  onStrayResponse(res: SipResponse, _src: Source): void {
    const vias = getHeaderValues(res, 'via');
    const mine = vias[0] ? parseVia(vias[0]) : null;
    const next = vias[1] ? parseVia(vias[1]) : null;
    if (!mine || !next || !this.ctx.identity.isSelf(mine.host, mine.port ?? 5060)) return;
    const out = stripTopVia(res);
    const fake: Source = { protocol: next.transport === 'TCP' ? 'tcp' : 'udp', remoteAddress: next.host.replace(/^\[|\]$/g, ''), remotePort: next.port ?? 5060, localAddress: '', localPort: 0 };
    const rec = /received=([^;,\s]+)/i.exec(vias[1] ?? '')?.[1];
    if (rec) fake.remoteAddress = rec;
    const rport = /rport=(\d+)/i.exec(vias[1] ?? '')?.[1];
    if (rport) fake.remotePort = Number(rport);
    this.ctx.sendStateless(out, responseDestination(next, fake, false));
  }

  private dropTopRoute(req: SipRequest): void {
    const i = req.headers.findIndex((h) => headerKey(h.name) === 'route');
    if (i < 0) return;
    const values = getHeaderValues({ ...req, headers: [req.headers[i] as SipHeader] }, 'route');
    if (values.length > 1) req.headers[i] = { name: (req.headers[i] as SipHeader).name, value: values.slice(1).join(', ') };
    else req.headers.splice(i, 1);
  }

  private pointsAtUs(uri: string): boolean {
    const hop = parseHop(uri);
    return hop.ok && this.ctx.identity.isSelf(hop.hop.host, hop.hop.port);
  }

  private local(dest: Destination): LocalEndpoint | undefined {
    const l = this.ctx.identity.listenerFor(dest.protocol, isIPv6(dest.address));
    if (!l) return undefined;
    return { sentBy: this.ctx.identity.sentBy(l), hostport: this.ctx.identity.hostport(l), contactUri: this.ctx.identity.contactUri(l) };
  }
}
