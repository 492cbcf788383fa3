import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { TimelineEntry } from '../../domain/timeline';
import { repoRoot, runCli } from './support/run-cli';

/**
 * `hrda simulate scenarios/sharing-without-consent.json` as a person runs it (issue 21 item 5): the
 * referral without a lawful basis is listed among the refused steps naming the field, and the
 * timelines carry `sharing.without-consent`, in the readable output and in `--json`.
 */
const env = () => ({ TEMPORAL_TEST_SERVER: inject('testServer'), HRDA_LOG_LEVEL: 'warn' });
const scenario = path.join(repoRoot, 'scenarios/sharing-without-consent.json');

describe('hrda simulate scenarios/sharing-without-consent.json', () => {
  it('--json: the refusal names victim.consent.sharingWithoutConsent; the basis and who decided are on the timeline', async () => {
    const run = await runCli(['simulate', scenario, '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.toString('utf8')) as { refusals: { ref?: string; error: string }[]; cases: Record<string, { timeline: TimelineEntry[] }> };
    expect(out.refusals).toEqual([expect.objectContaining({ ref: 'B', error: expect.stringMatching(/victim\.consent\.sharingWithoutConsent: the victim has not consented to share/) })]);
    const basis = (ref: string) => out.cases[ref]!.timeline.filter((e) => e.type === 'sharing.without-consent').map((e) => e.data);
    expect(basis('A')).toEqual([{ basis: 'prevention-or-detection-of-crime', decidedBy: { role: 'Detective Inspector, Safeguarding Referral Unit', agency: 'police' }, decidedAt: 'referral' }]);
    expect(basis('B')).toEqual([{ basis: 'vital-interests', decidedBy: { role: 'Named GP for safeguarding adults', agency: 'health' }, decidedAt: 'referral' }]);
    expect(basis('C')).toEqual([]);
  }, 120_000);

  it('prints the entry with its basis and who decided on the readable timeline, and the refused step at the end', async () => {
    const run = await runCli(['simulate', scenario], env());
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout.toString('utf8');
    expect(text).toMatch(/sharing\.without-consent +basis=prevention-or-detection-of-crime decidedBy=\{"role":"Detective Inspector, Safeguarding Referral Unit","agency":"police"\} decidedAt=referral/);
    expect(text).toContain('victim.consent.sharingWithoutConsent');
  }, 120_000);
});
