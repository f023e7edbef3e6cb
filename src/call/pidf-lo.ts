/**
 * Location by value for emergency calls: an RFC 4119 PIDF-LO document with an RFC 5139
 * civicAddress, referenced from the INVITE by an RFC 6442 Geolocation header.
 */
import type { EmergencyAddress } from './line-user.js';
import type { LegBody, SipHeaderField } from './route.js';

export const PIDF_CONTENT_TYPE = 'application/pidf+xml';

export interface LocationByValue {
  body: LegBody;
  headers: SipHeaderField[];
}

/**
 * The PIDF-LO body and its headers. RFC 6442 §4.1: Geolocation points at the body part by
 * cid: URI; Geolocation-Routing: yes lets the emergency network route on it (§4.2).
 */
export function locationByValue(address: EmergencyAddress, presentity: string, callId: string): LocationByValue {
  const contentId = `loc-${cidSafe(callId)}@linegate.invalid`;
  return {
    body: { contentType: PIDF_CONTENT_TYPE, contentId, content: pidfLo(address, presentity) },
    headers: [
      { name: 'Geolocation', value: `<cid:${contentId}>` },
      { name: 'Geolocation-Routing', value: 'yes' },
    ],
  };
}

/** The PIDF-LO document. Element order follows the RFC 5139 §4 schema sequence. */
export function pidfLo(address: EmergencyAddress, presentity: string): string {
  const civic = civicElements(address)
    .map(([tag, value]) => `            <ca:${tag}>${xmlEscape(value)}</ca:${tag}>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:pidf"',
    '    xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"',
    '    xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"',
    `    entity="${xmlEscape(presentity)}">`,
    '  <tuple id="location">',
    '    <status>',
    '      <gp:geopriv>',
    '        <gp:location-info>',
    '          <ca:civicAddress xml:lang="en">',
    civic,
    '          </ca:civicAddress>',
    '        </gp:location-info>',
    '        <gp:usage-rules/>',
    '        <gp:method>Manual</gp:method>',
    '      </gp:geopriv>',
    '    </status>',
    '  </tuple>',
    '</presence>',
    '',
  ].join('\n');
}

/** country, A1 (region), A3 (city), RD (road), HNO (house number), PC, UNIT: RFC 5139 §3. */
function civicElements(a: EmergencyAddress): Array<[string, string]> {
  const pairs: Array<[string, string | undefined]> = [
    ['country', a.country.toUpperCase()],
    ['A1', a.region],
    ['A3', a.city],
    ['RD', a.street],
    ['HNO', a.houseNumber],
    ['PC', a.postalCode],
    ['UNIT', a.unit],
  ];
  return pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
}

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** RFC 2392 content ids are addr-spec shaped: keep a conservative subset of the local part. */
function cidSafe(s: string): string {
  const safe = s.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe === '' ? 'call' : safe;
}
