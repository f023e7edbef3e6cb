/**
 * The test phones' (device-call.ts, voicemail-phone.ts) wait for the final response to a
 * request they sent: filed under a key the phone derives from the request and the response.
 */
import type { SipMessage } from './voicemail-phone.js';

export class FinalWaiters {
  private readonly waiting = new Map<string, (m: SipMessage) => void>();

  /** Sends (`send`), then resolves with the final filed under `key`, or rejects after `timeoutMs`. */
  wait(key: string, what: string, timeoutMs: number, send: () => void): Promise<SipMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no final response to ${what}`));
      }, timeoutMs);
      this.waiting.set(key, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      send();
    });
  }

  /** A final response arrived: to whoever waits under `key`, if anyone. */
  deliver(key: string, m: SipMessage): void {
    const done = this.waiting.get(key);
    this.waiting.delete(key);
    done?.(m);
  }
}
