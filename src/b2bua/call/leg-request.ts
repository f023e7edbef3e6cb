/**
 * The INVITE of one leg, from a StartLeg command: Request-URI and srf.createUAC options.
 *   device    → its registered contact, through the flow it registered on (registrar's uacOptions);
 *   number    → the trunk's outbound URI with the number in the trunk's format, digest credentials;
 *   voicemail → the configured voicemail service URI.
 * The caller's SDP offer goes to every leg (late offer: no body, srf then runs 3pcc).
 * RFC 6442 §4.1: a location part travels with the SDP as multipart/mixed.
 */
import type { CallerId, LegBody, StartLegCommand } from '../../call/index.js';
import type { Dialplan } from '../../config/index.js';
import type { ReachableDevice } from './call-registrar.js';
import { trunkNumber } from './numbers.js';
import type { CreateUacOptions, Headers } from './shell-srf.js';

export interface LegRequest {
  uri: string;
  opts: CreateUacOptions;
}

export type LegRequestResult = { ok: true; leg: LegRequest } | { ok: false; status: number; reason: string };

export interface LegContext {
  dialplan: Dialplan;
  /** The caller's SDP offer; undefined for a late-offer INVITE. */
  offer: string | undefined;
  /** Devices by contact URI, from the registrar lookup made for the decision. */
  devices: ReadonlyMap<string, ReachableDevice>;
}

const BOUNDARY = 'linegate-boundary-1';

export function legRequest(cmd: StartLegCommand, ctx: LegContext): LegRequestResult {
  const headers: Headers = { From: fromHeader(cmd.callerId, ctx.dialplan.domain) };
  if (cmd.callerId.number === null) headers.Privacy = 'id'; // RFC 3323 §4.2
  for (const h of cmd.headers) headers[h.name] = h.value;
  const target = cmd.target;
  let uri: string;
  const opts: CreateUacOptions = { headers };
  if (target.kind === 'device') {
    uri = target.contact;
    const device = ctx.devices.get(target.contact);
    if (device?.uacOptions.proxy) opts.proxy = device.uacOptions.proxy;
    Object.assign(headers, device?.uacOptions.headers ?? {});
  } else if (target.kind === 'voicemail') {
    uri = target.uri;
  } else {
    const trunk = ctx.dialplan.trunks.find((t) => t.name === target.trunk);
    if (!trunk?.outbound) return { ok: false, status: 503, reason: `Trunk ${target.trunk} has no outbound URI` };
    uri = withUser(trunk.outbound.uri, trunkNumber(target.number, trunk.numberFormat, ctx.dialplan.defaultCountry));
    const auth = trunk.outbound.auth;
    if (auth) opts.auth = { username: auth.username, password: auth.password.reveal() };
  }
  headers.To = `<${uri}>`;
  withBody(opts, headers, ctx.offer, cmd.body);
  return { ok: true, leg: { uri, opts } };
}

function withBody(opts: CreateUacOptions, headers: Headers, offer: string | undefined, part: LegBody | undefined): void {
  if (!part) {
    if (offer) opts.localSdp = offer;
    return;
  }
  headers['Content-Type'] = `multipart/mixed;boundary=${BOUNDARY}`;
  opts.localSdp = multipart(offer, part);
}

/** RFC 2046 §5.1.1 multipart/mixed: the SDP first (if any), then the location part. */
export function multipart(sdp: string | undefined, part: LegBody): string {
  const parts: string[] = [];
  if (sdp) parts.push(`Content-Type: application/sdp\r\n\r\n${sdp}`);
  parts.push(`Content-Type: ${part.contentType}\r\nContent-ID: <${part.contentId}>\r\n\r\n${part.content}`);
  return `--${BOUNDARY}\r\n${parts.join(`\r\n--${BOUNDARY}\r\n`)}\r\n--${BOUNDARY}--\r\n`;
}

/** The From of a leg: the caller ID the core chose (anonymous per RFC 3323 §4.1.1.3). */
export function fromHeader(id: CallerId, domain: string): string {
  if (id.number === null) return '"Anonymous" <sip:anonymous@anonymous.invalid>';
  const display = id.display ? `"${id.display.replace(/["\\]/g, '')}" ` : '';
  return `${display}<sip:${id.number}@${domain}>`;
}

/** `sip:host:port;params` + user → `sip:user@host:port;params` (an existing user part is replaced). */
export function withUser(uri: string, user: string): string {
  const m = /^(sips?):(?:[^@]*@)?(.*)$/i.exec(uri);
  return m ? `${m[1]}:${user}@${m[2]}` : uri;
}
