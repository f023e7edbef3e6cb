/**
 * Small fakes of the srf objects the call shell uses (ShellSrf, ShellDialog, outgoing
 * requests), driven by the test: each createUAC is recorded and settled by hand.
 */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { CreateUacOptions, EventSink, OfferlessAnswer, ShellDialog, ShellRequest, ShellResponse, ShellSrf } from '../../../../src/b2bua/call/index.js';
import type { CallEvent } from '../../../../src/events/index.js';

export const silentLog = pino({ level: 'silent' });

export class FakeOutgoing extends EventEmitter implements ShellRequest {
  readonly method = 'INVITE';
  readonly body = undefined;
  readonly source_address = '127.0.0.1';
  readonly source_port = 5060;
  readonly protocol = 'udp';
  readonly cancels: Array<{ headers?: Record<string, string> }> = [];
  constructor(readonly uri: string) {
    super();
  }
  get(): string | undefined {
    return undefined;
  }
  has(): boolean {
    return false;
  }
  cancel(opts: { headers?: Record<string, string> }): void {
    this.cancels.push(opts);
  }
}

export class FakeDialog extends EventEmitter implements ShellDialog {
  readonly sip = { callId: 'fake-dialog' };
  readonly local = { sdp: '' };
  destroyed = 0;
  constructor(readonly remote: { sdp: string }) {
    super();
  }
  destroy(): Promise<unknown> {
    this.destroyed++;
    return Promise.resolve();
  }
  modify(sdp: string): Promise<string> {
    return Promise.resolve(sdp);
  }
  request(): Promise<{ status: number }> {
    return Promise.resolve({ status: 200 });
  }
  /** The far end hangs up. */
  hangUp(): void {
    this.emit('destroy');
  }
}

export class FakeAnswer implements OfferlessAnswer {
  acked: string | undefined;
  destroyed = 0;
  readonly dialog: FakeDialog;
  readonly sdp: string;
  constructor(sdp: string) {
    this.sdp = sdp;
    this.dialog = new FakeDialog({ sdp });
  }
  ack(answerSdp: string): Promise<ShellDialog> {
    this.acked = answerSdp;
    return Promise.resolve(this.dialog);
  }
  destroy(): Promise<void> {
    this.destroyed++;
    return Promise.resolve();
  }
}

export interface UacCall {
  uri: string;
  opts: CreateUacOptions;
  req: FakeOutgoing;
  ring(status?: number): void;
  answer(r: ShellDialog | OfferlessAnswer): void;
  fail(status: number): void;
}

export class FakeShellSrf implements ShellSrf {
  readonly calls: UacCall[] = [];
  invite(): void {}
  createUAC(uri: string, opts: CreateUacOptions, progress: { cbRequest?: (err: unknown, req?: ShellRequest) => void; cbProvisional?: (res: ShellResponse) => void }): Promise<ShellDialog | OfferlessAnswer> {
    return new Promise((resolve, reject) => {
      const req = new FakeOutgoing(uri);
      progress.cbRequest?.(null, req);
      this.calls.push({
        uri, opts, req,
        ring: (status = 180) => progress.cbProvisional?.({ status, reason: 'Ringing', get: () => undefined, send: () => undefined }),
        answer: resolve,
        fail: (status) => reject(Object.assign(new Error(`${status}`), { status, reason: 'Failed' })),
      });
    });
  }
  createUAS(): Promise<ShellDialog> {
    return Promise.reject(new Error('not used'));
  }
  request(): Promise<unknown> {
    return Promise.resolve();
  }
}

export class CollectingSink implements EventSink {
  readonly events: CallEvent[] = [];
  append(event: CallEvent): Promise<{ id: string }> {
    this.events.push(event);
    return Promise.resolve({ id: String(this.events.length) });
  }
}

/** Lets promise callbacks run (srf results, event appends). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
