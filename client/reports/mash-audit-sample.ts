import { createHash, randomBytes } from 'node:crypto';
import type { MashProfile } from '../../domain/mash';
import type { Risk } from '../../domain/referral';
import type { MashIncident } from './mash-incidents';

/**
 * The MASH audit's random sample (003 §19.5.2): of the standard and medium incidents received in a
 * period and not referred into the MASH, the profile's sample size (15) is chosen at random for
 * each agency to review.
 *
 * The draw is reproducible by anyone who has the seed and the list of case IDs: each incident's key
 * is the SHA-256 of `<seed>:<caseId>` (hex), and the sample is the incidents with the smallest keys.
 * It does not depend on the order the cases were read in, and an auditor can check it with a shell:
 *   for id in $(cat ids); do printf '%s %s\n' "$(printf '%s' "$SEED:$id" | sha256sum | cut -c1-64)" "$id"; done | LC_ALL=C sort | head -15
 * The population's digest shows it is the same list: `LC_ALL=C sort ids | sha256sum` (one ID per line).
 * Chance never enters a workflow: the seed is drawn here, in the client, when none is given.
 */
export interface MashAuditSample {
  profile: string;
  from: string;
  to: string;
  risks: Risk[];
  sampleSize: number;
  seed: string;
  method: string;
  /** How many incidents the sample was drawn from, and the digest of their sorted case IDs. */
  population: number;
  populationDigest: string;
  /** The population's case IDs in that order: with the seed, all an auditor needs to draw the sample again. */
  populationIds: string[];
  sample: { caseId: string; receivedAt: string; risk: Risk; outcome: string; screenedAt: string; restricted: boolean }[];
}

export const sampleMethod = 'sha256("<seed>:<caseId>") in hex, ascending: the first sampleSize incidents';

/** A fresh seed for a draw, for when the auditor gives none: 128 random bits, in hex. */
export const newSampleSeed = (): string => randomBytes(16).toString('hex');

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** Code-unit order, as `LC_ALL=C sort` orders. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The incidents the audit draws from: received in [from, to), screened at the audit's levels, and not referred into the MASH. */
export function auditPopulation(profileId: string, mash: MashProfile, incidents: readonly MashIncident[], from: string, to: string): MashIncident[] {
  return incidents
    .filter((i) => i.profile === profileId && i.receivedAt >= from && i.receivedAt < to)
    .filter((i) => i.screening !== null && i.screening.outcome !== 'refer-to-mash' && mash.audit.risks.includes(i.screening.risk))
    .sort((a, b) => byCodeUnits(a.caseId, b.caseId));
}

export function drawMashAuditSample(profileId: string, mash: MashProfile, incidents: readonly MashIncident[], from: string, to: string, seed: string): MashAuditSample {
  if (!seed.trim()) throw new Error('the seed must not be empty');
  const population = auditPopulation(profileId, mash, incidents, from, to);
  const keyed = population.map((i) => ({ key: sha256(`${seed}:${i.caseId}`), i })).sort((a, b) => byCodeUnits(a.key, b.key) || byCodeUnits(a.i.caseId, b.i.caseId));
  const sample = keyed.slice(0, mash.audit.sampleSize).map(({ i }) => ({
    caseId: i.caseId, receivedAt: i.receivedAt, risk: i.screening!.risk, outcome: i.screening!.outcome, screenedAt: i.screening!.at, restricted: i.restricted,
  }));
  return {
    profile: profileId,
    from,
    to,
    risks: mash.audit.risks,
    sampleSize: mash.audit.sampleSize,
    seed,
    method: sampleMethod,
    population: population.length,
    populationDigest: sha256(population.map((i) => `${i.caseId}\n`).join('')),
    populationIds: population.map((i) => i.caseId),
    sample,
  };
}

export function renderMashAuditSample(s: MashAuditSample): string {
  return [
    `MASH audit sample (${s.profile}): ${s.risks.join(' and ')} incidents not referred into the MASH, received ${s.from} to ${s.to}`,
    `  drawn ${s.sample.length} of ${s.population} (sample size ${s.sampleSize})`,
    `  seed              ${s.seed}`,
    `  method            ${s.method}`,
    `  population digest ${s.populationDigest} (SHA-256 of the case IDs, one per line, in LC_ALL=C sort order)`,
    '',
    ...s.sample.map((x) => `  ${x.caseId}  received ${x.receivedAt}  ${x.risk}  ${x.outcome} (screened ${x.screenedAt})${x.restricted ? '  restricted: need-to-know' : ''}`),
    '',
    `Draw it again with: hrda report mash-audit-sample --profile ${s.profile} --from ${s.from} --to ${s.to} --seed ${s.seed}`,
  ].join('\n');
}
