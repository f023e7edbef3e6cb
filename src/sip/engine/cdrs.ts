/**
 * Call detail records on the wire (wire protocol §6.3): each event goes to ONE app,
 * round-robin among those that routed `cdr:<type>` — not a broadcast (gotcha 10).
 */
import type { SipMessage } from '../message/index.js';
import type { AppConnection, CdrRole } from '../wire/index.js';
import { formatCdr, wireTime } from '../wire/index.js';

type Select = (verb: string) => AppConnection | undefined;
type Bytes = (m: SipMessage) => Buffer;

export class Cdrs {
  constructor(private readonly select: Select, private readonly bytes: Bytes) {}

  attempt(source: 'network' | 'application', msg: SipMessage): void {
    const app = this.select('cdr:attempt');
    if (app) app.send(formatCdr({ verb: 'cdr:attempt', source, time: wireTime(new Date()), sip: this.text(msg) }));
  }

  start(source: 'network' | 'application', role: CdrRole, msg: SipMessage): void {
    const app = this.select('cdr:start');
    if (app) app.send(formatCdr({ verb: 'cdr:start', source, time: wireTime(new Date()), role, sip: this.text(msg) }));
  }

  /** reason: call-rejected, call-canceled, normal-release, … */
  stop(source: 'network' | 'application', reason: string, msg: SipMessage): void {
    const app = this.select('cdr:stop');
    if (app) app.send(formatCdr({ verb: 'cdr:stop', source, time: wireTime(new Date()), reason, sip: this.text(msg) }));
  }

  private text(m: SipMessage): string {
    return this.bytes(m).toString('utf8');
  }
}
