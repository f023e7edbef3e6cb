/**
 * The call-rate plan of a run: a constant rate, or a ramp that starts at `from`, adds
 * `step` every `everyS` seconds and holds at `max`. sipp does the ramp itself
 * (`-rate_increase`, `-rate_interval`, `-rate_max`, `-no_rate_quit`; verified with
 * SIPp v3.6.1: the target rate steps at each interval and then holds).
 */

export interface Ramp {
  readonly from: number;
  readonly step: number;
  readonly everyS: number;
}

export interface RateProfile {
  /** The constant rate, or the ramp's ceiling. Calls per second. */
  readonly max: number;
  readonly ramp?: Ramp;
}

/** Target rate at `tS` seconds into the run. */
export function rateAt(profile: RateProfile, tS: number): number {
  const { ramp, max } = profile;
  if (!ramp) return max;
  return Math.min(max, ramp.from + ramp.step * Math.floor(tS / ramp.everyS));
}

/**
 * How many calls sipp will start in `durationS` seconds following the profile: the bound
 * passed to sipp as `-m`, so that sipp stops by itself at the end of the plan.
 */
export function plannedCalls(profile: RateProfile, durationS: number): number {
  if (!profile.ramp) return Math.max(1, Math.round(profile.max * durationS));
  let calls = 0;
  for (let t = 0; t < durationS; t += profile.ramp.everyS) {
    const span = Math.min(profile.ramp.everyS, durationS - t);
    calls += rateAt(profile, t) * span;
  }
  return Math.max(1, Math.round(calls));
}

/** sipp command-line arguments for the profile. */
export function sippRateArgs(profile: RateProfile): string[] {
  const { ramp, max } = profile;
  if (!ramp) return ['-r', String(max)];
  return [
    '-r', String(ramp.from),
    '-rate_increase', String(ramp.step),
    '-rate_interval', String(ramp.everyS),
    '-rate_max', String(max),
    // Without this sipp quits as soon as the rate reaches -rate_max.
    '-no_rate_quit',
  ];
}
