/**
 * Cuts what a test peer reads from a TCP connection into SIP messages (header block,
 * then Content-Length bytes). Deliberately simple and lenient: it only reads what the
 * engine sends, and a missing or odd Content-Length counts as 0.
 */
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

export class SipStreamSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the messages it completed. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (true) {
      // Keep-alive CRLFs between messages.
      let start = 0;
      while (start < this.pending.length && (this.pending[start] === 0x0d || this.pending[start] === 0x0a)) start++;
      const head = this.pending.indexOf(CRLFCRLF, start);
      if (head < 0) {
        this.pending = this.pending.subarray(start);
        return out;
      }
      const headers = this.pending.toString('latin1', start, head);
      const m = /\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)/i.exec(headers);
      const end = head + 4 + (m ? Number(m[1]) : 0);
      if (end > this.pending.length) {
        this.pending = this.pending.subarray(start);
        return out;
      }
      out.push(this.pending.subarray(start, end));
      this.pending = this.pending.subarray(end);
    }
  }
}
