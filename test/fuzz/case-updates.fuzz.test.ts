import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError, RefusedError } from '../../client/cases';
import type { Actor } from '../../domain/actor';
import { caseCommandNames, caseCommandSchemas, type CaseCommandName } from '../../domain/case-commands';
import { getProfile } from '../../domain/profiles';
import type { HrdaSide } from '../../bench/lib/hrda-service';
import { administrator, benchReferral, meetingOutcome, pastDating } from '../../bench/lib/referrals';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { startHrdaOnDevServer, type HrdaOnDevServer } from '../support/hrda-on-dev-server';
import { arbitraries, overTheWire } from './support/arbitraries';

/**
 * Every case update, fed arbitrary input through the typed client on running cases (one still
 * preparing for its meeting, one after its meeting): each is refused cleanly — InvalidInputError
 * with the fields at fault, or RefusedError with the reason — or accepted when it happens to be
 * valid, and the case's workflow never fails.
 */
const profile = getProfile('dorset-hrda');
const arb = arbitraries(profile);
const runsPerUpdate = 12;

// Valid input to these can close the case (a closed case has not failed, but the property is that
// the case keeps running), so their schema-valid inputs are left out; everything malformed is sent.
const canClose = new Set<CaseCommandName>(['closeCase', 'updateAction']);

let hrda: HrdaOnDevServer;
let side: HrdaSide;
const cases: Record<'preparing' | 'monitoring', string> = { preparing: '', monitoring: '' };
const accepted: Record<string, number> = {};

beforeAll(async () => {
  hrda = await startHrdaOnDevServer('hrda-fuzz', 'hrda-fuzz-updates');
  ({ side } = hrda);
  cases.preparing = (await side.cases.submitReferral(benchReferral('fuzz-preparing'))).caseId;
  const past = await side.cases.submitReferral(benchReferral('fuzz-monitoring', pastDating(profile).receivedAt));
  await side.cases.command(past.caseId, 'recordMeetingOutcome', meetingOutcome(), administrator(profile));
  cases.monitoring = past.caseId;
});

afterAll(async () => {
  await hrda?.stop();
});

/** Arbitrary input for an update: anything at all, valid input with one field broken, or valid input. */
const inputFor = (name: CaseCommandName) =>
  fc.record({
    fields: fc.oneof(arb.junk, arb.mutation(arb.commandFields[name]).map((m) => m.value), arb.commandFields[name]),
    actor: fc.oneof(arb.actor, arb.junk, arb.mutation(arb.actor).map((m) => m.value)),
  });

describe('every case update on arbitrary input', () => {
  for (const stage of ['preparing', 'monitoring'] as const) {
    for (const name of caseCommandNames) {
      it(`${name} on a case ${stage === 'preparing' ? 'preparing for its meeting' : 'after its meeting'}: refused cleanly or accepted`, async () => {
        const caseId = cases[stage];
        await fc.assert(fc.asyncProperty(inputFor(name), async ({ fields, actor }) => {
          // What the workflow's validator will see: the client adds `actor`, the payload is JSON.
          const sent = overTheWire({ ...(fields as object), actor });
          const valid = caseCommandSchemas[name].safeParse(sent).success;
          if (valid && canClose.has(name)) return;
          try {
            await side.cases.command(caseId, name, fields as never, actor as Actor);
            expect(valid, 'accepted, so the input must have been valid').toBe(true);
            accepted[caseId] = (accepted[caseId] ?? 0) + 1;
          } catch (err) {
            if (err instanceof InvalidInputError) {
              expect(valid, `refused as invalid, yet it parses: ${JSON.stringify(sent)}`).toBe(false);
              expect(err.issues.length).toBeGreaterThan(0);
              for (const issue of err.issues) expect(typeof issue.path === 'string' && issue.message.length > 0).toBe(true);
            } else if (err instanceof RefusedError) {
              expect(err.message).toMatch(new RegExp(`^${name} refused: .+`));
            } else {
              throw err;
            }
          }
        }), { numRuns: runsPerUpdate });
      }, 120_000);
    }
  }

  it('leaves both cases running, with no failed workflow task and no refused update in their histories', async () => {
    for (const caseId of Object.values(cases)) {
      const handle = side.client.workflow.getHandle(caseWorkflowId(caseId));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
      // Accepted here, plus the submission's "ready" (and the matrix recorded before the fuzzing).
      const before = caseId === cases.monitoring ? 2 : 1;
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(before + (accepted[caseId] ?? 0));
    }
  });
});
