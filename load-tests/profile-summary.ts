/**
 * `node --import tsx load-tests/profile-summary.ts FILE.cpuprofile [top N]`: where the
 * time of a profiled run went (see lib/cpu-profile.ts), e.g. of the engine profiled by
 * `npm run load -- engine-b2bua --engine-prof DIR`.
 */
import { readFileSync } from 'node:fs';
import { formatProfileSummary, summarizeCpuProfile, type CpuProfile } from './lib/index.js';

const [file, top] = process.argv.slice(2);
if (!file) {
  console.error('usage: node --import tsx load-tests/profile-summary.ts FILE.cpuprofile [topN]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
console.log(formatProfileSummary(summarizeCpuProfile(profile, top ? Number(top) : 25)));
