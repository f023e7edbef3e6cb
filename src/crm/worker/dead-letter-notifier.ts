/**
 * Tells an operator that calls were dead-lettered: a JSON POST to a webhook and/or a mail
 * through SMTP, whichever is configured. One notification per dead-letter batch (a flush
 * that fails 200 records sends one message, not 200). Failures to notify are reported to
 * the caller (logged and counted there) and never block the worker: the dead letter itself
 * is already durable when this runs.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DeadLetter } from './dead-letter-store.js';
import { sendMail, type SmtpOptions } from './smtp-client.js';

export interface DeadLetterNotifier {
  notify(entries: readonly DeadLetter[]): Promise<void>;
}

export interface NotifierOptions {
  readonly webhookUrl?: string;
  readonly smtp?: SmtpOptions;
  /** Shown in messages so an operator knows which worker and where its dead letters are. */
  readonly gatewayId: string;
  readonly deadLetterPath: string;
  /** Per webhook request. Default 10 s. */
  readonly timeoutMs?: number;
}

/** The webhook body (also documented in docs/crm.md). */
export interface DeadLetterNotice {
  readonly type: 'linegate.crm.dead-letter';
  readonly gatewayId: string;
  readonly count: number;
  readonly file: string;
  readonly entries: ReadonlyArray<{ callKey: string; callId: string; code: string; reason: string; fields: readonly string[]; at: string }>;
}

export class WebhookAndMailNotifier implements DeadLetterNotifier {
  constructor(private readonly o: NotifierOptions) {}

  async notify(entries: readonly DeadLetter[]): Promise<void> {
    if (entries.length === 0) return;
    const notice = toNotice(this.o, entries);
    const jobs: Array<Promise<void>> = [];
    if (this.o.webhookUrl) jobs.push(postJson(this.o.webhookUrl, notice, this.o.timeoutMs ?? 10_000));
    if (this.o.smtp) jobs.push(sendMail(this.o.smtp, mailFor(notice)));
    const failed = (await Promise.allSettled(jobs)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `dead-letter notification failed: ${failed.map((f) => String((f.reason as Error).message ?? f.reason)).join('; ')}`);
  }
}

export function toNotice(o: Pick<NotifierOptions, 'gatewayId' | 'deadLetterPath'>, entries: readonly DeadLetter[]): DeadLetterNotice {
  return {
    type: 'linegate.crm.dead-letter',
    gatewayId: o.gatewayId,
    count: entries.length,
    file: o.deadLetterPath,
    entries: entries.map((e) => ({ callKey: e.callKey, callId: e.callId, code: e.code, reason: e.reason, fields: e.fields, at: e.at })),
  };
}

function mailFor(n: DeadLetterNotice): { subject: string; text: string } {
  const lines = n.entries.slice(0, 50).map((e) => `- call ${e.callId}: ${e.code}${e.fields.length ? ` (${e.fields.join(', ')})` : ''}: ${e.reason}`);
  const more = n.entries.length > 50 ? [`… and ${n.entries.length - 50} more`] : [];
  return {
    subject: `linegate CRM: ${n.count} call${n.count === 1 ? '' : 's'} could not be logged in Salesforce (${n.gatewayId})`,
    text: [
      `Salesforce refused the Task of ${n.count} call${n.count === 1 ? '' : 's'} for a reason a retry will not fix.`,
      '',
      ...lines,
      ...more,
      '',
      `The calls are kept in ${n.file}. Fix the cause (see each reason), then run: linegate crm replay`,
    ].join('\n'),
  };
}

function postJson(url: string, body: unknown, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`webhook ${target.host} answered ${status}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`webhook ${target.host} did not answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new Error(`webhook ${target.host}: ${e.message}`)));
    req.end(data);
  });
}
