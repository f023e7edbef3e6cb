/**
 * Recognises SIP scanners (toolkits that sweep address space for open PBXs and weak
 * extensions) by substrings of the headers they leave at their defaults.
 *
 * The precedent is drachtio-server's "spammers" option (wire-protocol doc §3.3): substring
 * lists for User-Agent, From and To, checked before a request is routed.
 */

/**
 * Defaults matched case-insensitively as substrings of User-Agent, From AND To:
 * - `friendly-scanner`: SIPVicious svmap/svwar's historical default User-Agent.
 * - `sipvicious`: SIPVicious' newer default User-Agent / From text.
 * - `sipcli`, `sip-cli`: the sipcli scanning/dialling tool, under both spellings.
 * - `VaxSIPUserAgent`: the VaxVoIP SDK default, common in brute-force REGISTER floods.
 * - `sip-scan`, `sipscan`: generic sweep tools (`SIPScan` is covered, matching is case-blind).
 * - `sundayddr`, `pplsip`: scanner User-Agents that recur in honeypot logs and in the
 *   User-Agent blocklists commonly used with Kamailio/OpenSIPS and fail2ban.
 * None of these is plausible inside a real person's name or number.
 *
 * Knowing a scanner by its headers only catches the lazy ones (every tool lets the header be
 * changed); the rate limiter is the defence that does not depend on their cooperation.
 */
export const DEFAULT_SCANNER_PATTERNS: readonly string[] = Object.freeze([
  'friendly-scanner',
  'sipvicious',
  'sipcli',
  'sip-cli',
  'VaxSIPUserAgent',
  'sip-scan',
  'sipscan',
  'sundayddr',
  'pplsip',
]);

/**
 * Defaults matched against User-Agent ONLY, because as From/To substrings they would hit
 * real callers: `iwar` is inside the common surname "Tiwari", `smap` inside "Rasmapur" or a
 * user `gismaps`. In a User-Agent they are still distinctive:
 * - `iWar`: the iWar war-dialler's SIP mode.
 * - `smap`: the SIP "nmap" fingerprinting scanner.
 * (drachtio-server keeps one substring list per header, wire-protocol doc §3.3; here one list
 * covers all three headers, and this list is the per-header exception.)
 */
export const DEFAULT_USER_AGENT_PATTERNS: readonly string[] = Object.freeze(['iWar', 'smap']);

export type ScannerField = 'user-agent' | 'from' | 'to';

export interface ScannerHeaders {
  userAgent?: string;
  from?: string;
  to?: string;
}

export type ScannerMatch = { matched: false } | { matched: true; field: ScannerField; pattern: string };

export interface ScannerFilterOptions {
  /** Matched against User-Agent, From and To; default DEFAULT_SCANNER_PATTERNS. */
  patterns?: readonly string[];
  /** Matched against User-Agent only; default DEFAULT_USER_AGENT_PATTERNS. */
  userAgentPatterns?: readonly string[];
}

const NO_MATCH: ScannerMatch = Object.freeze({ matched: false });

/**
 * A request passes through `check` on every receive, so the patterns are lower-cased
 * once here and matching is plain `includes` (no RegExp built per call, and none built
 * from operator text at all, so a pattern like `a.b` means exactly those characters).
 */
export class ScannerFilter {
  /** [original, lower-cased] pairs; the original is reported back for logs. */
  private readonly patterns: LoweredPatterns;
  /** Checked after `patterns`, and only against User-Agent. */
  private readonly userAgentPatterns: LoweredPatterns;

  constructor(options: ScannerFilterOptions = {}) {
    this.patterns = lowered(options.patterns ?? DEFAULT_SCANNER_PATTERNS);
    this.userAgentPatterns = lowered(options.userAgentPatterns ?? DEFAULT_USER_AGENT_PATTERNS);
  }

  /** The first match in the order User-Agent, From, To, then pattern order. */
  check(headers: ScannerHeaders): ScannerMatch {
    return (
      firstMatch('user-agent', headers.userAgent, this.patterns, this.userAgentPatterns) ??
      firstMatch('from', headers.from, this.patterns) ??
      firstMatch('to', headers.to, this.patterns) ??
      NO_MATCH
    );
  }
}

type LoweredPatterns = ReadonlyArray<readonly [string, string]>;

function lowered(patterns: readonly string[]): LoweredPatterns {
  // Empty patterns would match everything; validateEdgeConfig refuses them, and they are
  // skipped here too so that a hand-built filter can never block all traffic.
  return patterns.filter((p) => p.length > 0).map((p) => [p, p.toLowerCase()] as const);
}

function firstMatch(field: ScannerField, value: string | undefined, ...lists: LoweredPatterns[]): ScannerMatch | undefined {
  if (value === undefined || value.length === 0) return undefined;
  const lower = value.toLowerCase();
  for (const list of lists) {
    for (const [pattern, lowerPattern] of list) {
      if (lower.includes(lowerPattern)) return { matched: true, field, pattern };
    }
  }
  return undefined;
}

export type ScannerAction = 'reject-403' | 'drop';

/**
 * What the engine does with a request from a recognised scanner.
 *
 * UDP → answer 403: the source address may be spoofed, so anything bigger than a tiny
 * stateless reply could be used for reflection, and a 403 costs one small datagram, keeps no
 * state and tells the tool this target is closed, which usually ends the scan (silence makes
 * some tools retransmit and try again).
 * TCP → drop (close the connection): the handshake proves the peer's address is real, so
 * nobody is being reflected at, and a silent close wastes the scanner's time and reveals nothing.
 *
 * Precedent: drachtio-server's spammer option (wire-protocol doc §3.3) rejects or silently
 * drops on TCP depending on configuration. Known deviation: drachtio rejects with 603, we
 * answer 403 (linegate policy; both are final, neither invites a retry).
 * Callers map connection-oriented transports (TLS, WS, WSS) to 'tcp'.
 */
export function scannerAction(protocol: 'udp' | 'tcp'): ScannerAction {
  return protocol === 'udp' ? 'reject-403' : 'drop';
}
