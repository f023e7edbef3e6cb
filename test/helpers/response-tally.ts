/**
 * What a fuzzing peer hears back: responses counted by status, requests by method. It
 * also writes the ACK for a 2xx to INVITE (RFC 3261 §13.2.2.4), so that calls the app
 * answered are confirmed instead of having their 2xx retransmitted for 64*T1 and then
 * being torn down with a BYE towards a possibly mutated Contact.
 */
export interface AckAddressing {
  transport: 'UDP' | 'TCP';
  localPort: number;
}

export class ResponseTally {
  readonly byStatus = new Map<number, number>();
  readonly requestsByMethod = new Map<string, number>();
  acksSent = 0;
  /** Messages from the engine that `validate` rejected, with the reason (the first 20). */
  readonly invalid: string[] = [];
  invalidCount = 0;
  private ackSeq = 0;
  /** Statuses heard per watched Call-ID. */
  private readonly watched = new Map<string, number[]>();

  /** @param validate returns why a message from the engine is unacceptable, or undefined. */
  constructor(private readonly validate?: (msg: Buffer) => string | undefined) {}

  /** Remember every status received for this Call-ID. */
  watch(callId: string): void {
    this.watched.set(callId, []);
  }

  /** Distinct statuses heard for a watched Call-ID, ascending. */
  statusesFor(callId: string): number[] {
    return [...new Set(this.watched.get(callId) ?? [])].sort((a, b) => a - b);
  }

  /** Records one message from the engine; returns the ACK to send back, if one is due. */
  record(msg: Buffer, ack: AckAddressing): Buffer | undefined {
    const problem = this.validate?.(msg);
    if (problem !== undefined) {
      this.invalidCount++;
      if (this.invalid.length < 20) this.invalid.push(`${problem}: ${JSON.stringify(msg.toString('latin1').slice(0, 300))}`);
    }
    const text = msg.toString('latin1');
    const status = /^SIP\/2\.0 (\d{3})/.exec(text);
    if (!status) {
      const method = /^([A-Z]+) /.exec(text)?.[1] ?? '?';
      this.requestsByMethod.set(method, (this.requestsByMethod.get(method) ?? 0) + 1);
      return undefined;
    }
    const code = Number(status[1]);
    this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + 1);
    if (this.watched.size > 0) {
      const callId = /\r\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]*)/i.exec(text)?.[1]?.trim();
      if (callId !== undefined) this.watched.get(callId)?.push(code);
    }
    if (code < 200 || code >= 300) return undefined;
    return this.ackFor(text, ack);
  }

  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }

  get responses(): number {
    let n = 0;
    for (const v of this.byStatus.values()) n += v;
    return n;
  }

  /** e.g. "200×812 400×3121 481×402". */
  histogram(): string {
    return [...this.byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ') || '(none)';
  }

  private ackFor(text: string, a: AckAddressing): Buffer | undefined {
    const end = text.indexOf('\r\n\r\n');
    const head = end < 0 ? text : text.slice(0, end);
    const header = (re: RegExp): string | undefined => re.exec(head)?.[1]?.trim();
    const cseq = header(/\r\n(?:CSeq)[ \t]*:([^\r\n]*)/i);
    if (!cseq || !/^\d+\s+INVITE$/i.test(cseq)) return undefined;
    const from = header(/\r\n(?:From|f)[ \t]*:([^\r\n]*)/i);
    const to = header(/\r\n(?:To|t)[ \t]*:([^\r\n]*)/i);
    const callId = header(/\r\n(?:Call-ID|i)[ \t]*:([^\r\n]*)/i);
    const contact = header(/\r\n(?:Contact|m)[ \t]*:([^\r\n]*)/i);
    const target = /<([^>]+)>/.exec(contact ?? to ?? '')?.[1];
    if (!from || !to || !callId || !target) return undefined;
    this.acksSent++;
    return Buffer.from([
      `ACK ${target} SIP/2.0`,
      `Via: SIP/2.0/${a.transport} 127.0.0.1:${a.localPort};branch=z9hG4bK-ack${++this.ackSeq};rport`,
      'Max-Forwards: 70', `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`,
      `CSeq: ${cseq.split(/\s+/)[0] as string} ACK`, 'Content-Length: 0', '', '',
    ].join('\r\n'), 'latin1');
  }
}
