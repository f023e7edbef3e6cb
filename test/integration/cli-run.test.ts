/**
 * `bin/linegate run` as a user starts it (the compiled CLI from dist/, a process of its own,
 * cwd with dialplans/example.yaml): with the engine on its own thread (the default) and with
 * LINEGATE_ENGINE_THREAD=off. A demo user registers with Digest through the printed SIP
 * port (the engine hands the REGISTER to the app's registrar over the wire protocol), the
 * engine's counters show up on /metrics, and SIGTERM drains and exits 0.
 *
 * dist/ is rebuilt first when a file under src/ is newer than dist/cli.js (`make test`
 * builds before it runs the tests; this keeps a local mocha run honest too).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 60000 test/integration/cli-run.test.ts
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerAt } from './run-bed.js';
import { until } from '../helpers/until.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const cli = path.join(repo, 'dist', 'cli.js');
  let built = 0;
  try {
    built = statSync(cli).mtimeMs;
  } catch { /* not built yet */ }
  if (built < newestMtime(path.join(repo, 'src'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'ignore' });
}

interface RunningCli {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function startCli(cwd: string, env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, [path.join(repo, 'bin', 'linegate'), 'run',
    '--contact', 'sip:127.0.0.1:0;transport=udp,tcp', '--address', '127.0.0.1', '--port', '0', '--metrics-port', '0'], {
    cwd, env: { ...process.env, LINEGATE_CRM: 'off', LINEGATE_CONTROL_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (b: Buffer) => { text += b.toString('utf8'); });
  child.stderr?.on('data', (b: Buffer) => { text += b.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => text, exited };
}

async function scrape(url: string): Promise<string> {
  const r = await fetch(url);
  return r.text();
}

function metric(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

for (const mode of [{ name: 'engine on its own thread (default)', env: {}, thread: true }, { name: 'LINEGATE_ENGINE_THREAD=off', env: { LINEGATE_ENGINE_THREAD: 'off' }, thread: false }]) {
  describe(`bin/linegate run: ${mode.name}`, function () {
    this.timeout(90_000);
    let cwd: string | undefined;
    let cli: RunningCli | undefined;
    before(ensureBuilt);
    afterEach(async () => {
      if (cli && cli.child.exitCode === null) {
        cli.child.kill('SIGKILL');
        await cli.exited;
      }
      cli = undefined;
      if (cwd) rmSync(cwd, { recursive: true, force: true });
      cwd = undefined;
    });

    it('registers a demo user through the printed port, shows engine counters on /metrics, drains on SIGTERM', async () => {
      cwd = mkdtempSync(path.join(tmpdir(), 'linegate-cli-run-'));
      symlinkSync(path.join(repo, 'dialplans'), path.join(cwd, 'dialplans'));
      const run = startCli(cwd, mode.env);
      cli = run;
      await until(() => /Press Ctrl-C to stop/.test(run.out()) && /metrics endpoint listening/.test(run.out()), 30_000, `the banner and the metrics line (output so far: ${run.out().slice(-500)})`);
      const out = run.out();
      const sipPort = Number(/SIP server \/ proxy\s*: 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
      assert.ok(sipPort > 0, 'the banner names the bound SIP port');
      const listening = out.split('\n').find((l) => l.includes('"linegate engine listening"')) ?? '';
      assert.equal(listening.includes('"thread":"engine"'), mode.thread, 'the log says where the engine runs');
      const metricsLine = JSON.parse(out.split('\n').find((l) => l.includes('"metrics endpoint listening"')) ?? '{}') as { metrics?: { port: number } };
      const metricsUrl = `http://127.0.0.1:${metricsLine.metrics?.port ?? 0}/metrics`;

      await registerAt(sipPort, 'alice', 'sip:alice@127.0.0.1:5999');
      // Two REGISTERs (the challenge and the answer) reached the engine; the thread reports every second.
      let text = '';
      const deadline = Date.now() + 5000;
      while ((metric(text, 'linegate_sip_requests_received_total') ?? 0) < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        text = await scrape(metricsUrl);
      }
      assert.ok((metric(text, 'linegate_sip_requests_received_total') ?? 0) >= 2, `requests counted: ${metric(text, 'linegate_sip_requests_received_total')}`);
      assert.equal(metric(text, 'linegate_wire_apps'), 1, 'the app is connected to the engine');

      run.child.kill('SIGTERM');
      const code = await Promise.race([run.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 15_000))]);
      assert.equal(code, 0, `exit after SIGTERM; output tail: ${run.out().slice(-800)}`);
      assert.match(run.out(), /"msg":"stopped"/);
    });
  });
}
