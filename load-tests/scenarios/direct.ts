/**
 * sipp UAC → sipp UAS with nothing in between. Proves the runner, and measures the
 * ceiling of the load generators themselves on this machine: a system under test can
 * never look faster than this.
 */
import type { Scenario } from '../lib/index.js';

export const direct: Scenario = {
  name: 'direct',
  description: 'sipp uac -> sipp uas, nothing under test (baseline of the load generators)',
  uacXml: 'uac-invite-200-bye-expect-ok.xml',
  uasXml: 'uas-answer-200-expect-bye.xml',
  tcp: { uasXml: 'uas-answer-200-expect-bye-tcp.xml' },
  defaults: { rate: 100, durationS: 10, callLengthMs: 1000 },
};
