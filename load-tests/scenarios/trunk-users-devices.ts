/**
 * The users and devices of the trunk-users scenario: the dialplan it writes, the sipp run
 * that registers every device through the app's registrar, and the sipp UAS that plays
 * every user's second device (the one that loses the simultaneous ring and is CANCELled).
 *
 * User i (0 ≤ i < users) is `u<i>`, extension 2000+i, business number +1 415 555 (1000+i),
 * ring plan simultaneous to its devices. Its device `a` is the runner's sipp UAS (answers
 * at once), its device `b` the losing UAS started here; both registered with Digest.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreeMediaPort, findFreePort, LOOPBACK, parseSippStatCsv, SippProcess, type SippStatRow } from '../lib/index.js';

/** Environment variable the dialplan's `{ env: … }` password reference names. */
export const DEVICE_PASSWORD_ENV = 'LINEGATE_LOAD_DEVICE_PASSWORD';

/** The USERS divisor in the trunk UAC scenario (its comment says where). */
export function usersInUacXml(xmlPath: string): number {
  const m = /<divide assign_to="q" value="(\d+)"\/>/.exec(readFileSync(xmlPath, 'utf8'));
  const n = m ? Number(m[1]) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 9000) throw new Error(`${xmlPath}: no USERS divisor (1..9000) found`);
  return n;
}

export function businessNumber(i: number): string {
  return `+1415555${1000 + i}`;
}

/**
 * The dialplan: `users` users, one trunk `carrier` (127.0.0.1, where sipp runs) and limits
 * high enough that no call is refused for concurrency (the runs measure throughput, not
 * the limits; 1000 per user and 100000 per trunk are the schema's maxima).
 */
export function trunkUsersDialplan(users: number): string {
  const lines = [
    'version: 1',
    'domain: 127.0.0.1',
    'defaultCountry: US',
    'limits: { concurrentCallsPerUser: 1000, concurrentCallsPerTrunk: 100000 }',
    'users:',
  ];
  for (let i = 0; i < users; i++) {
    lines.push(
      `  - id: u${i}`,
      `    businessNumber: "${businessNumber(i)}"`,
      `    extension: "${2000 + i}"`,
      `    sip: { password: { env: ${DEVICE_PASSWORD_ENV} } }`,
      '    ringPlan: { strategy: simultaneous, timeoutS: 30, targets: [ { to: devices } ] }',
    );
  }
  lines.push(
    'trunks:',
    '  - name: carrier',
    '    inbound: { sources: ["127.0.0.1"] }',
    '    outbound: { uri: "sip:127.0.0.1:9" }',
    '    numberFormat: e164',
    'emergency:',
    '  numbers: ["911", "933"]',
    '  trunk: carrier',
    '',
  );
  return lines.join('\n');
}

/**
 * sipp -inf file, two devices per user: `user;[authentication …];contact user;contact port`.
 * The whole keyword sits in the file because sipp 3.6 does not expand [fieldN] inside
 * [authentication …] (the way its manual gives for per-call credentials).
 */
export function devicesCsv(users: number, password: string, answerPort: number, ringPort: number): string {
  const rows = ['SEQUENTIAL'];
  const auth = (i: number): string => `[authentication username=u${i} password=${password}]`;
  for (let i = 0; i < users; i++) rows.push(`u${i};${auth(i)};u${i}-a;${answerPort}`, `u${i};${auth(i)};u${i}-b;${ringPort}`);
  return `${rows.join('\n')}\n`;
}

async function sippPorts(): Promise<{ sip: number; control: number; media: number }> {
  return { sip: await findFreePort(), control: await findFreePort(), media: await findFreeMediaPort() };
}

function boundedArgs(xml: string, ports: { sip: number; control: number; media: number }, dir: string, name: string, timeoutS: number): string[] {
  return [
    '-sf', xml, '-i', LOOPBACK, '-p', String(ports.sip), '-t', 'u1',
    '-timeout', `${timeoutS}s`, '-timeout_error', '-nostdin',
    '-ci', LOOPBACK, '-cp', String(ports.control), '-mp', String(ports.media),
    '-trace_stat', '-stf', join(dir, `${name}-stat.csv`), '-fd', '1',
    '-trace_err', '-error_file', join(dir, `${name}-errors.log`),
  ];
}

/**
 * Registers every device (2 × users REGISTERs, each 401 then 200) at `rate` per second.
 * Resolves when all are registered; rejects with sipp's errors otherwise.
 */
export async function registerDevices(o: {
  dir: string; scenariosDir: string; target: string; users: number; password: string; answerPort: number; ringPort: number; rate: number;
}): Promise<{ seconds: number }> {
  const csv = join(o.dir, 'devices.csv');
  writeFileSync(csv, devicesCsv(o.users, o.password, o.answerPort, o.ringPort));
  const devices = 2 * o.users;
  const timeoutS = Math.ceil(devices / o.rate) + 30;
  const args = [
    o.target, ...boundedArgs(join(o.scenariosDir, 'trunk-users-uac-register-devices-expect-200.xml'), await sippPorts(), o.dir, 'register', timeoutS),
    '-inf', csv, '-m', String(devices), '-r', String(o.rate), '-recv_timeout', '10000',
  ];
  const t0 = performance.now();
  const sipp = SippProcess.start('sipp register', args, o.dir);
  const exit = await sipp.exitWithin((timeoutS + 5) * 1000);
  const seconds = (performance.now() - t0) / 1000;
  if (exit.code !== 0) {
    let errors = '';
    try {
      errors = readFileSync(join(o.dir, 'register-errors.log'), 'utf8').slice(-3000);
    } catch {
      // no error trace written
    }
    throw new Error(`registering ${devices} devices failed (sipp status ${exit.code}): ${exit.stderrTail.trim()}\n${errors}`);
  }
  return { seconds };
}

export interface RingingDevices {
  readonly port: number;
  readonly pid: number | undefined;
  /** Soft stop (calls in progress finish), then the last stat row. */
  stop(): Promise<{ last: SippStatRow | undefined; code: number | null }>;
}

/**
 * The sipp UAS playing every user's device `b`. The runner does not know it (it starts
 * one UAS only, bounded by -m = the trunk calls), so it runs without -m, bounded by a
 * -timeout of `timeoutS`, and is soft-stopped by the scenario's teardown.
 */
export async function startRingingDevices(o: { dir: string; scenariosDir: string; timeoutS: number }): Promise<RingingDevices> {
  const ports = await sippPorts();
  const xml = join(o.scenariosDir, 'trunk-users-uas-ring-expect-cancel-completed-elsewhere.xml');
  const sipp = SippProcess.start('sipp uas (devices b)', boundedArgs(xml, ports, o.dir, 'uas-b', o.timeoutS), o.dir);
  const statFile = join(o.dir, 'uas-b-stat.csv');
  await waitForFile(statFile, sipp, 5000);
  return {
    port: ports.sip,
    pid: sipp.pid,
    async stop() {
      sipp.softStop();
      const exit = await sipp.exitWithin(10_000);
      let last: SippStatRow | undefined;
      try {
        last = parseSippStatCsv(readFileSync(statFile, 'utf8')).rows.at(-1);
      } catch {
        last = undefined;
      }
      return { last, code: exit.code };
    },
  };
}

/** sipp writes its first stat row once its sockets are bound. */
async function waitForFile(file: string, sipp: SippProcess, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    try {
      if (parseSippStatCsv(readFileSync(file, 'utf8')).rows.length > 0) return;
    } catch {
      // not written yet
    }
    if (!sipp.running) throw new Error(`${sipp.label} exited at start: ${(await sipp.exited).stderrTail.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${sipp.label} wrote no statistics within ${ms} ms`);
}

/**
 * What the app's file event log holds once it has stopped: events by type and call.ended
 * by disposition (segment lines are `<crc32 hex> <json>`, src/events/log-frame.ts; the
 * CRC is not checked here, the app's own tests do that). A cross-check that every call
 * the trunk made was recorded, and answered.
 */
export function summariseEventLog(eventsDir: string): { byType: Record<string, number>; endedBy: Record<string, number>; unreadable: number } {
  const byType: Record<string, number> = {};
  const endedBy: Record<string, number> = {};
  let unreadable = 0;
  let names: string[] = [];
  try {
    names = readdirSync(eventsDir).filter((n) => /^segment-\d+\.log$/.test(n));
  } catch {
    return { byType, endedBy, unreadable };
  }
  for (const name of names) {
    for (const line of readFileSync(join(eventsDir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        const e = (JSON.parse(line.slice(9)) as { e: { type: string; disposition?: string } }).e;
        byType[e.type] = (byType[e.type] ?? 0) + 1;
        if (e.type === 'call.ended') endedBy[e.disposition ?? '?'] = (endedBy[e.disposition ?? '?'] ?? 0) + 1;
      } catch {
        unreadable++;
      }
    }
  }
  return { byType, endedBy, unreadable };
}
