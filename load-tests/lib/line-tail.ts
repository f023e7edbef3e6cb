/**
 * Reads the complete lines appended to a growing file since the last call (sipp's
 * stat and RTT files while sipp runs). A torn last line is kept until its newline
 * arrives. Synchronous: the files are small and read once a second.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

export class LineTail {
  private fd: number | undefined;
  private offset = 0;
  private partial = '';

  constructor(readonly path: string) {}

  /** New complete lines; none while the file does not exist yet. */
  readNewLines(): string[] {
    if (this.fd === undefined) {
      if (!existsSync(this.path)) return [];
      this.fd = openSync(this.path, 'r');
    }
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      this.offset += n;
    }
    const text = this.partial + Buffer.concat(chunks).toString('latin1');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.map((l) => l.replace(/\r$/, ''));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
