/**
 * The smallest useful drachtio-srf B2BUA, the call-control app of the load scenarios:
 * every INVITE is bridged to one fixed B-leg URI (the sipp UAS), the A leg's SDP offered
 * unchanged to B, and a BYE on either side tears down the other (srf dialogs).
 *
 * It speaks drachtio-srf only, so it runs unchanged against drachtio-server or the
 * embedded engine. In-process: `startMinimalB2bua(...)`. As a child process:
 *   node --import tsx load-tests/apps/minimal-b2bua.ts --host H --port P --secret S --target URI
 * which prints "ready" on stdout once connected and stops on SIGTERM/SIGINT.
 */
import Srf from 'drachtio-srf';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export interface MinimalB2buaOptions {
  /** The engine's drachtio wire-protocol socket. */
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** Request-URI of every B leg, e.g. sip:service@127.0.0.1:5070;transport=tcp. */
  readonly target: string;
  readonly connectTimeoutMs?: number;
  /** Socket errors (srf reconnects by itself); default: ignored. */
  readonly onError?: (err: Error) => void;
}

export interface MinimalB2bua {
  /** INVITEs bridged so far / INVITEs whose B leg failed (the failure was relayed to A). */
  counts(): { bridged: number; failed: number };
  stop(): Promise<void>;
}

function connect(srf: Srf, o: MinimalB2buaOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const timer = setTimeout(() => {
      reject(new Error(`no drachtio connection to ${o.host}:${o.port} within ${o.connectTimeoutMs ?? 10000} ms${lastError ? `: ${lastError.message}` : ''}`));
    }, o.connectTimeoutMs ?? 10000);
    srf.on('error', (err) => {
      lastError = err;
      o.onError?.(err);
    });
    srf.on('connect', (err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
    // drachtio-srf 5.0.29 declares connect() as returning a Promise, but it returns the
    // app and signals through the 'connect' event: do not await it.
    void srf.connect({ host: o.host, port: o.port, secret: o.secret });
  });
}

function disconnect(srf: Srf): void {
  try {
    srf.disconnect();
  } catch {
    // Never connected: drachtio-srf throws "socket is not connected"; nothing to close.
  }
}

export async function startMinimalB2bua(o: MinimalB2buaOptions): Promise<MinimalB2bua> {
  const srf = new Srf();
  let bridged = 0;
  let failed = 0;
  srf.invite((req, res) => {
    srf.createB2BUA(req, res, o.target, { localSdpB: req.body }).then(
      ({ uas, uac }) => {
        bridged++;
        uas.on('destroy', () => uac.destroy());
        uac.on('destroy', () => uas.destroy());
      },
      () => {
        // createB2BUA has already relayed the B leg's final response to A (passFailure).
        failed++;
      },
    );
  });
  try {
    await connect(srf, o);
  } catch (err) {
    disconnect(srf);
    throw err;
  }
  return {
    counts: () => ({ bridged, failed }),
    stop: async () => disconnect(srf),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { host: { type: 'string' }, port: { type: 'string' }, secret: { type: 'string' }, target: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!values.host || !Number.isInteger(port) || values.secret === undefined || !values.target) {
    process.stderr.write('usage: minimal-b2bua.ts --host H --port P --secret S --target sip:URI\n');
    process.exit(2);
  }
  const app = await startMinimalB2bua({
    host: values.host, port, secret: values.secret, target: values.target,
    onError: (err) => process.stderr.write(`minimal-b2bua: ${err.message}\n`),
  });
  process.stdout.write('ready\n');
  const stop = (): void => {
    const { bridged, failed } = app.counts();
    process.stderr.write(`minimal-b2bua: stopping, ${bridged} calls bridged, ${failed} failed\n`);
    void app.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`minimal-b2bua: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
