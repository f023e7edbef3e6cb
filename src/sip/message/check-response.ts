/**
 * Sanity checks on a received response. A malformed response cannot be answered, so
 * the only outcome besides "keep" is "drop" (RFC 4475 §3.1.2.5, §3.1.2.19).
 */
import type { SipResponse, Via } from './types.js';
import { countHeaderLines, getHeader, getHeaderLines } from './headers.js';
import { splitHeaderList } from './split-list.js';
import { parseCSeq } from './cseq.js';
import { parseNameAddr } from './name-addr.js';
import { parseVia } from './via.js';
import { getParam } from './params.js';

export type ResponseCheck =
  /**
   * broadcastVia: some Via would send the response to 255.255.255.255; an endpoint
   * may ignore it, a proxy or B2BUA must drop the response (RFC 4475 §3.3.10).
   */
  | { ok: true; broadcastVia: boolean }
  | { ok: false; reason: string };

const LIMITED_BROADCAST = '255.255.255.255';

/** Whether a response routed by this Via (sent-by, received, maddr; RFC 3261 §18.2.2) goes to broadcast. */
export function viaTargetsBroadcast(via: Via): boolean {
  return (
    via.host === LIMITED_BROADCAST ||
    getParam(via.params, 'received') === LIMITED_BROADCAST ||
    getParam(via.params, 'maddr') === LIMITED_BROADCAST
  );
}

function drop(reason: string): ResponseCheck {
  return { ok: false, reason };
}

export function checkResponse(res: SipResponse): ResponseCheck {
  if (res.version.toUpperCase() !== 'SIP/2.0') return drop('unsupported SIP version');
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 699) return drop('status code out of range');
  for (const name of ['Call-ID', 'From', 'To', 'CSeq']) {
    if (countHeaderLines(res, name) !== 1) return drop(`not exactly one ${name}`);
  }
  if (parseCSeq(getHeader(res, 'CSeq') ?? '') === null) return drop('malformed CSeq');
  for (const name of ['From', 'To']) {
    if (parseNameAddr(getHeader(res, name) ?? '') === null) return drop(`malformed ${name}`);
  }
  let vias = 0;
  let broadcastVia = false;
  for (const line of getHeaderLines(res, 'Via')) {
    for (const v of splitHeaderList(line)) {
      const via = parseVia(v);
      if (via === null) return drop('malformed Via');
      vias++;
      if (viaTargetsBroadcast(via)) broadcastVia = true;
    }
  }
  if (vias === 0) return drop('no Via');
  return { ok: true, broadcastVia };
}
