/**
 * `bin/linegate` — composition root for the command line.
 *   linegate engine [drachtio-server flags]   the embedded SIP engine alone
 *   linegate run    [drachtio-server flags]   engine + registrar + call shell on dialplans/example.yaml (what `make run` starts)
 */
import { formatFlagErrors, readEngineFlags } from './config/index.js';
import type { EngineFlags } from './config/index.js';
import type { Dialplan } from './config/index.js';
import { DEMO_SECRET_DEFAULTS, publishedDemoSecret } from './config/index.js';
import { runCrmCli } from './crm-main.js';
import { startLineGate } from './main.js';
import type { ControlApiInfo } from './main.js';
import { engineMetricSpecs } from './engine-metrics.js';
import { startEngineThread } from './engine-thread.js';
import type { EngineHandle } from './engine-thread.js';
import { createLogger, createRegistry, exposeMetrics, ObservabilityServer } from './observability/index.js';
import type { Logger } from './observability/index.js';
import { runSfEmulator } from './sf-emulator/index.js';
import { Engine } from './sip/index.js';

const USAGE = `usage: linegate <command> [options]

commands:
  engine   run the embedded SIP engine (a drop-in for drachtio-server)
  run      run the engine with the business-line app on dialplans/example.yaml (what 'make run' does)
  crm-worker [--config F]        the CRM worker: call events → Salesforce Tasks (docs/crm.md)
  crm test-connection [--config F]   log in and check the integration user's permissions
  crm replay [--config F]        re-drive dead letters once their cause is fixed
  sf-emulator [--port N] [--address A] [--index-lag-ms N]
           a local Salesforce REST emulator with a demo org (for demos and tests; see docs/sf-emulator.md)

engine options (drachtio-server's):
  --contact "sip:HOST:PORT;transport=udp,tcp"   SIP listener (repeatable; default sip:127.0.0.1:5060)
  --address ADDR     control-channel address for apps (default 127.0.0.1)
  --port PORT        control-channel port (default 9022)
  --secret SECRET    shared secret apps authenticate with (default cymru)
  --external-ip IP   address to advertise in Via/Contact
  --loglevel LEVEL   fatal|error|warn|info|debug|trace|silent (default info)
  --metrics-port N   serve /metrics, /healthz, /readyz (not a drachtio-server flag)
  --metrics-address A  address for the metrics endpoint (default 127.0.0.1)

environment (run):
  LINEGATE_ENGINE_THREAD=off   run the engine on the app's thread (default: a thread of its own)
`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'crm-worker' || command === 'crm') {
    process.exitCode = await runCrmCli(argv);
    return;
  }
  if (command === 'sf-emulator') {
    process.exitCode = await runSfEmulator(rest);
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
  const engine = command === 'run' && process.env['LINEGATE_ENGINE_THREAD'] !== 'off'
    ? await startEngineOnThread(parsed.flags, log)
    : await startEngine(parsed.flags, log);
  const stops: Array<() => Promise<void>> = [];
  let draining = false;
  const registry = createRegistry();
  // /readyz follows the call shell's drain when there is one (architecture §3).
  let shellDraining = (): boolean => false;
  if (command === 'run') {
    const app = await startLineGate({ flags: parsed.flags, engine, log, registry });
    if (!app) {
      await engine.close();
      return;
    }
    shellDraining = () => app.shell.isDraining();
    stops.push(() => app.drain(), () => app.close());
    printSoftphoneHelp(engine, app.dialplan, app.controlApi, app.crm?.describe ?? 'CRM: off (LINEGATE_CRM=off).');
  }
  if (parsed.flags.metrics) {
    exposeMetrics(registry, engineMetricSpecs(() => engine.metrics()));
    const http = new ObservabilityServer({ ...parsed.flags.metrics, registry, ready: () => !draining && !shellDraining() });
    await http.start();
    log.info({ metrics: http.address() }, 'metrics endpoint listening');
    stops.push(() => http.close());
  }
  stops.push(() => engine.close());
  installSignals(log, stops, () => { draining = true; });
}

async function startEngine(flags: EngineFlags, log: Logger): Promise<EngineHandle> {
  const engine = await Engine.start({
    sip: flags.sip, wire: flags.wire, externalAddress: flags.externalAddress,
    logger: log.child({ component: 'wire' }),
  });
  const sip = engine.sipListeners().map((l) => `${l.protocol}/${l.address}:${l.port}`).join(', ');
  log.info({ sip, wire: engine.wireAddress() }, 'linegate engine listening');
  return engine;
}

/**
 * `linegate run`: the engine on its own thread (engine-thread.ts), so that it and the app
 * each have an event loop; LINEGATE_ENGINE_THREAD=off keeps both on one thread.
 */
async function startEngineOnThread(flags: EngineFlags, log: Logger): Promise<EngineHandle> {
  const engine = await startEngineThread({
    flags,
    onCrash: (err) => {
      // Without its engine the process carries no calls: exit so that a supervisor restarts it.
      log.fatal({ err: err.message }, 'the engine thread died');
      process.exit(1);
    },
  });
  const sip = engine.sipListeners().map((l) => `${l.protocol}/${l.address}:${l.port}`).join(', ');
  log.info({ sip, wire: engine.wireAddress(), thread: 'engine' }, 'linegate engine listening');
  return engine;
}

function printSoftphoneHelp(engine: EngineHandle, dialplan: Dialplan, control: ControlApiInfo | undefined, crmLine: string): void {
  const udp = engine.sipListeners().find((l) => l.protocol === 'udp');
  const bound = udp && udp.address !== '0.0.0.0' && udp.address !== '::' ? udp.address : undefined;
  const host = bound ? (bound.includes(':') ? `[${bound}]` : bound) : '<this machine\'s IP>';
  const port = udp?.port ?? 5060;
  const users = dialplan.users.map((u) => {
    // Only the published demo defaults are printed; a password set in the environment never is.
    const { envName } = u.sip.password;
    const demo = DEMO_SECRET_DEFAULTS[envName];
    const pw = demo !== undefined && u.sip.password.reveal() === demo ? demo : `($${envName})`;
    return `  ${u.sip.username.padEnd(8)} password ${pw.padEnd(16)} extension ${u.extension}${u.businessNumber ? `  ${u.businessNumber}` : ''}`;
  }).join('\n');
  process.stdout.write(`
linegate is running (dialplan ${dialplan.file}, domain ${dialplan.domain}).
Point two softphones at it:
  SIP server / proxy  : ${host}:${port}  (UDP or TCP)
  domain / realm      : ${dialplan.domain}
${users}
  then dial the other's extension; the trunk "${dialplan.trunks[0]?.name ?? '-'}" answers at its outbound URI.
${voicemailLine(dialplan)}
${controlLine(control, dialplan)}
${crmLine}
Press Ctrl-C to stop (the first drains calls, a second forces exit).
`);
}

/** How to reach voicemail, for the banner. */
function voicemailLine(dialplan: Dialplan): string {
  const vm = dialplan.voicemail;
  if (!vm) return 'Voicemail: off (the dialplan has no voicemail section).';
  if (vm.service === 'external') return `Voicemail: calls go to ${vm.serviceUri}.`;
  const boxes = dialplan.users.filter((u) => u.voicemail.enabled).map((u) => u.id);
  return `Voicemail: ${boxes.length > 0 ? boxes.join(', ') : 'nobody'}; hear messages by dialling ${vm.retrievalCode} (or your own number) from your phone.`;
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

/** The control API's URL and token: the demo token is printed (like the demo passwords); a token set in the environment never is. */
function controlLine(control: ControlApiInfo | undefined, dialplan: Dialplan): string {
  if (!control) return 'Control API: off (the dialplan has no controlApi section).';
  const token = dialplan.controlApi ? publishedDemoSecret(dialplan.controlApi.token) : undefined;
  const shown = token ?? `<token from $${control.tokenEnv}>`;
  const [from, to] = dialplan.users;
  const example = from && to ? `
  click-to-call: ${from.id}'s phone rings, then ${to.id}'s (extension ${to.extension}):
    curl -H 'Authorization: Bearer ${shown}' -H 'Content-Type: application/json' \\
         -d '{"userId":"${from.id}","destination":"${to.extension}"}' ${control.url}/click-to-call` : '';
  return `Control API: ${control.url}  token ${shown}  (docs at ${control.url}/openapi.yaml)${example}`;
}
