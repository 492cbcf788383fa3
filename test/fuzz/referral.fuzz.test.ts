import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { addDays } from '../../domain/calendar';
import { bankHolidaysCoverFrom, bankHolidaysCoverTo } from '../../domain/bank-holidays';
import { getProfile } from '../../domain/profiles';
import { InvalidInputError } from '../../client/cases';
import { validateReferral, type ReferralValidation } from '../../domain/referral-validation';
import type { HrdaSide } from '../../bench/lib/hrda-service';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { startHrdaOnDevServer, type HrdaOnDevServer } from '../support/hrda-on-dev-server';
import { arbitraries } from './support/arbitraries';

/**
 * Property-based fuzzing of the referral (CONTRACT.md §1): validation never throws and lists
 * every problem by path; every referral it accepts starts a case whose workflow does not fail.
 */
const profile = getProfile('dorset-hrda');
const arb = arbitraries(profile);
/** Cases compute deadlines with the bank-holiday table, so a case's referral must fall in its years (see the last test). */
const inCalendar = arbitraries(profile, { receivedFrom: `${bankHolidaysCoverFrom}T00:00:00Z`, receivedTo: `${addDays(bankHolidaysCoverTo, -60)}T00:00:00Z` });
const now = '2026-11-24T10:00:00.000Z';

function wellFormed(result: ReferralValidation): boolean {
  if (result.ok) return typeof result.referral.receivedAt === 'string';
  return result.issues.length > 0 && result.issues.every((i) => typeof i.path === 'string' && i.path.length > 0 && typeof i.message === 'string' && i.message.length > 0);
}

/** A problem is listed at the field changed, inside it, around it, or (for the assessment's and the consent's cross-field rules) beside it. */
function relates(issuePath: string, mutated: string): boolean {
  if (issuePath === '(referral)' || mutated === '') return true;
  if (issuePath === mutated || issuePath.startsWith(`${mutated}.`) || mutated.startsWith(`${issuePath}.`)) return true;
  // The consent and its lawful basis are one rule across fields too (domain/sharing-without-consent.ts).
  if (issuePath.startsWith('victim.consent') && mutated.startsWith('victim.consent')) return true;
  return issuePath.startsWith('assessment') && mutated.startsWith('assessment');
}

describe('validateReferral on arbitrary input', () => {
  it('never throws on any value at all, and answers ok or issues with paths', () => {
    fc.assert(fc.property(arb.junk, (input) => {
      expect(wellFormed(validateReferral(input, profile, now))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('accepts every referral the contract allows', () => {
    fc.assert(fc.property(arb.referral, (input) => {
      const result = validateReferral(input, profile, now);
      if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
      expect(Date.parse(result.referral.receivedAt)).not.toBeNaN();
    }), { numRuns: 1000 });
  });

  it('refuses a referral with one field broken by naming that field', () => {
    fc.assert(fc.property(arb.mutation(arb.referral), ({ value, path }) => {
      const result = validateReferral(value, profile, now);
      expect(wellFormed(result)).toBe(true);
      if (!result.ok) {
        expect(result.issues.some((i) => relates(i.path, path)), `issues ${JSON.stringify(result.issues)} for a change at "${path}"`).toBe(true);
      }
    }), { numRuns: 2000 });
  });

  // Found by this fuzzing: the superRefine in domain/referral.ts read `.assessment` of whatever
  // was given, so a null or missing body was a TypeError, not a refusal.
  it('refuses null and undefined with issues, without throwing', () => {
    for (const input of [null, undefined]) {
      const result = validateReferral(input, profile, now);
      expect(result.ok).toBe(false);
      expect(wellFormed(result)).toBe(true);
    }
  });
});

describe('arbitrary valid referrals on a dev server', () => {
  let hrda: HrdaOnDevServer;
  let side: HrdaSide;

  beforeAll(async () => {
    hrda = await startHrdaOnDevServer('hrda-fuzz', 'hrda-fuzz-referral');
    ({ side } = hrda);
  });

  afterAll(async () => {
    await hrda?.stop();
  });

  it('starts a case for each, and no workflow task fails', async () => {
    const started: string[] = [];
    await fc.assert(fc.asyncProperty(inCalendar.referral, async (input) => {
      const { caseId, case: view } = await side.cases.submitReferral(input);
      started.push(caseId);
      expect(['preparing', 'at-meeting', 'monitoring', 'closed']).toContain(view.stage);
    }), { numRuns: 40 });

    // Give each case a moment to run what its submission set off (checks, messages, timers).
    await new Promise((r) => setTimeout(r, 2000));
    for (const caseId of started) {
      const handle = side.client.workflow.getHandle(caseWorkflowId(caseId));
      const { status } = await handle.describe();
      expect(['RUNNING', 'COMPLETED'], caseId).toContain(status.name);
      const failures = ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
      expect(failures, caseId).toEqual([]);
    }
  }, 300_000);

  // Found by this fuzzing: validation accepted any receivedAt, but the calendar throws outside
  // its bank-holiday table, and the case waited for ever at "received". Now it is refused, naming
  // the field, and no workflow is started.
  it(`refuses a referral received outside ${bankHolidaysCoverFrom}–${bankHolidaysCoverTo}, naming receivedAt, and starts nothing`, async () => {
    for (const receivedAt of ['2040-06-01T10:00:00Z', '2023-12-31T10:00:00Z']) {
      const caseId = `out-of-range-${receivedAt.slice(0, 4)}`;
      const sample = sampleReferral();
      // The incident before either date, so that receivedAt is the only field at fault.
      const incident = { ...sample.incident, occurredAt: '2023-12-30T10:00:00Z' };
      const err = await side.cases.submitReferral({ ...sample, incident, receivedAt }, { caseId }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).issues.map((i) => i.path)).toEqual(['receivedAt']);
      await expect(side.client.workflow.getHandle(caseWorkflowId(caseId)).describe()).rejects.toThrow(/not found/i);
    }
  });
  // Behind validation, the workflow's own guard: a case whose machine throws (here the calendar,
  // given a date beyond its table by a client that skipped validation) must not wait in silence.
  // Its workflow task fails with the machine's error, visibly and retried, and nothing is lost.
  it('fails the workflow task visibly when the case machine throws, instead of waiting in silence', async () => {
    const workflowId = caseWorkflowId('machine-error');
    const referral = { ...validReferral(), receivedAt: '2040-06-01T10:00:00.000Z' };
    const handle = await side.client.workflow.start('referralWorkflow', {
      workflowId, taskQueue: side.taskQueue, args: [{ caseId: 'machine-error', profileId: profile.id, referral }],
    });
    try {
      const failed = async () => ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
      const deadline = Date.now() + 30_000;
      while ((await failed()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const [first] = await failed();
      expect(first, 'a failed workflow task in the history').toBeDefined();
      expect((await handle.describe()).status.name).toBe('RUNNING');
      // The error is encoded like every failure; decoded, it names the machine's error.
      const decoded = await decodeOptionalFailureToOptionalError(side.client.options.loadedDataConverter, first!.workflowTaskFailedEventAttributes!.failure);
      expect(decoded?.message).toMatch(/case machine stopped with an error: .*2040/);
    } finally {
      await handle.terminate('test done');
    }
  });
});

function validReferral() {
  const parsed = validateReferral(sampleReferral(), profile, now);
  if (!parsed.ok) throw new Error('sample referral should be valid');
  return parsed.referral;
}


function sampleReferral() {
  return {
    referrer: { agency: 'police', name: 'PC Example', contact: 'sru@example.org' },
    assessment: { tool: 'police-dash', risk: 'high', score: 15 },
    incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'free text', flags: [] },
    victim: { name: 'Out Of Range', dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    perpetrator: { name: 'B Person' },
  };
}
