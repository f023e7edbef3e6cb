/**
 * `bin/linegate` — composition root for the command line.
 *   linegate engine [drachtio-server flags]   the embedded SIP engine alone
 *   linegate run    [drachtio-server flags]   engine + the demo app (what `make run` starts)
 */
import { formatFlagErrors, readEngineFlags } from './config/index.js';
import type { EngineFlags } from './config/index.js';
import { startDemoApp } from './b2bua/index.js';
import { engineMetricSpecs } from './engine-metrics.js';
import { createLogger, createRegistry, exposeMetrics, ObservabilityServer } from './observability/index.js';
import type { Logger } from './observability/index.js';
import { Engine } from './sip/index.js';

const USAGE = `usage: linegate <command> [options]

commands:
  engine   run the embedded SIP engine (a drop-in for drachtio-server)
  run      run the engine with the demo app answering calls (what 'make run' does)

engine options (drachtio-server's):
  --contact "sip:HOST:PORT;transport=udp,tcp"   SIP listener (repeatable; default sip:127.0.0.1:5060)
  --address ADDR     control-channel address for apps (default 127.0.0.1)
  --port PORT        control-channel port (default 9022)
  --secret SECRET    shared secret apps authenticate with (default cymru)
  --external-ip IP   address to advertise in Via/Contact
  --loglevel LEVEL   fatal|error|warn|info|debug|trace|silent (default info)
  --metrics-port N   serve /metrics, /healthz, /readyz (not a drachtio-server flag)
  --metrics-address A  address for the metrics endpoint (default 127.0.0.1)
`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  if (command !== 'engine' && command !== 'run') {
    process.stderr.write(`linegate: unknown command "${command}"\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const parsed = readEngineFlags(command === 'run' && rest.length === 0 ? ['--contact', 'sip:0.0.0.0:5060;transport=udp,tcp'] : rest);
  if (!parsed.ok) {
    process.stderr.write(`${formatFlagErrors(parsed.errors)}\n`);
    process.exitCode = 2;
    return;
  }
  const log = createLogger(parsed.flags.loglevel);
  const engine = await startEngine(parsed.flags, log);
  const stops: Array<() => Promise<void>> = [];
  if (command === 'run') {
    const app = await startDemoApp({ host: parsed.flags.wire.address, port: engine.wireAddress().port, secret: parsed.flags.wire.secret, logger: log });
    stops.push(() => app.stop());
    printSoftphoneHelp(engine);
  }
  let draining = false;
  if (parsed.flags.metrics) {
    const registry = createRegistry();
    exposeMetrics(registry, engineMetricSpecs(() => engine.metrics()));
    const http = new ObservabilityServer({ ...parsed.flags.metrics, registry, ready: () => !draining });
    await http.start();
    log.info({ metrics: http.address() }, 'metrics endpoint listening');
    stops.push(() => http.close());
  }
  stops.push(() => engine.close());
  installSignals(log, stops, () => { draining = true; });
}

async function startEngine(flags: EngineFlags, log: Logger): Promise<Engine> {
  const engine = await Engine.start({
    sip: flags.sip, wire: flags.wire, externalAddress: flags.externalAddress,
    logger: log.child({ component: 'wire' }),
  });
  const sip = engine.sipListeners().map((l) => `${l.protocol}/${l.address}:${l.port}`).join(', ');
  log.info({ sip, wire: engine.wireAddress() }, 'linegate engine listening');
  return engine;
}

function printSoftphoneHelp(engine: Engine): void {
  const udp = engine.sipListeners().find((l) => l.protocol === 'udp');
  const bound = udp && udp.address !== '0.0.0.0' && udp.address !== '::' ? udp.address : undefined;
  const host = bound ? (bound.includes(':') ? `[${bound}]` : bound) : '<this machine\'s IP>';
  const port = udp?.port ?? 5060;
  process.stdout.write(`
linegate is running (demo app: answers every call, plays nothing).
Point a softphone at it:
  SIP server / domain : ${host}:${port}  (UDP or TCP)
  user / password     : any (the demo app accepts every REGISTER)
  then call any number, e.g. sip:100@${host}:${port}
Try it with sipp:  sipp -sn uac -m 1 ${host === '<this machine\'s IP>' ? '127.0.0.1' : host}:${port}
Press Ctrl-C to stop (a second Ctrl-C forces exit).
`);
}

/** SIGTERM/SIGINT drain: close gracefully; a second signal forces exit (architecture §3). */
function installSignals(log: Logger, stops: Array<() => Promise<void>>, onDrain: () => void): void {
  let stopping = false;
  const onSignal = (sig: string): void => {
    if (stopping) {
      log.warn({ sig }, 'second signal: forcing exit');
      process.exit(1);
    }
    stopping = true;
    onDrain();
    log.info({ sig }, 'draining');
    void (async () => {
      for (const stop of stops) await stop();
      log.info('stopped');
    })();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
