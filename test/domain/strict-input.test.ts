import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { meetingStepSchema, isMeetingStep } from '../../client/meetings';
import { caseCommandFields, caseCommandSchemas } from '../../domain/case-commands';
import { getProfile } from '../../domain/profiles';
import { referralSchema } from '../../domain/referral';
import { validateReferral } from '../../domain/referral-validation';
import { scenarioSchema, scenarioStepSchema } from '../../domain/scenario';
import { inputIssues, strictInput, unknownFieldMessage } from '../../domain/strict-input';
import { exampleReferral } from '../support/referrals';

const root = path.resolve(import.meta.dirname, '../..');
const json = (file: string): unknown => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const actor = { role: 'administrator' as const, agency: 'police', name: 'admin-1' };

describe('input at the edge refuses unknown fields by path', () => {
  it('names every unknown field of a referral, at any depth, and starts nothing', () => {
    const r = exampleReferral();
    const sent = { ...r, urgent: true, victim: { ...r.victim, nickname: 'x', consent: { ...r.victim.consent, email: true } }, children: [{ ...r.children![0]!, school: 'x' }] };
    const checked = validateReferral(sent, getProfile('dorset-hrda'), '2026-11-24T10:00:00.000Z');
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((i) => i.path).sort()).toEqual(['children.0.school', 'urgent', 'victim.consent.email', 'victim.nickname']);
    expect(checked.issues.every((i) => i.message === unknownFieldMessage)).toBe(true);
    // Found by the referral fuzzing: a key that is the empty string still has a path to name.
    const blank = validateReferral({ ...r, '': {} }, getProfile('dorset-hrda'), '2026-11-24T10:00:00.000Z');
    expect(blank.ok ? [] : blank.issues.map((i) => i.path)).toEqual(['""']);
    // The same referral without them is accepted.
    expect(validateReferral(r, getProfile('dorset-hrda'), '2026-11-24T10:00:00.000Z').ok).toBe(true);
  });

  it("keeps the schemas' own rules, defaults and transforms, and leaves the domain's schemas (which read stored state) lenient", () => {
    const qa = strictInput(caseCommandSchemas.recordQaDecision).safeParse({ accepted: false, actor });
    expect(qa.success ? [] : inputIssues(qa.error.issues)).toEqual([{ path: 'feedback', message: expect.stringMatching(/feedback is required/) }]);
    const dispute = strictInput(caseCommandFields.raiseDispute).parse({ dispute: 'd1', area: 'threshold', raisedBy: 'housing', with: 'probation' });
    expect(dispute.with).toEqual(['probation']);
    const outcome = { outcome: { risks: ['r'], actions: [{ id: 'a1', owner: 'housing', description: 'd', due: '2026-12-10T17:00:00Z' }], rationale: 'x', extra: 1 } };
    const strict = strictInput(caseCommandFields.recordMeetingOutcome).safeParse(outcome);
    expect(strict.success ? [] : inputIssues(strict.error.issues).map((i) => i.path)).toEqual(['outcome.actions.0.due', 'outcome.extra']);
    // The schema a workflow parses its recorded commands with still drops what it does not know.
    expect(caseCommandFields.recordMeetingOutcome.parse(outcome).outcome.leads).toEqual({});
    expect(referralSchema.safeParse({ ...exampleReferral(), urgent: true }).success).toBe(true);
  });

  it('names unknown fields in scenario steps, case and meeting steps alike', () => {
    const step = strictInput(scenarioStepSchema).safeParse({ do: 'closeCase', at: '2026-12-01T10:00:00Z', ref: 'A', rationale: 'x', reason: 'typo' });
    expect(step.success ? [] : inputIssues(step.error.issues)).toEqual([{ path: 'reason', message: unknownFieldMessage }]);
    const meeting = strictInput(meetingStepSchema).safeParse({ do: 'declareClosure', at: '2026-12-01T10:00:00Z', reason: 'snow', by: 'x' });
    expect(meeting.success ? [] : inputIssues(meeting.error.issues)).toEqual([{ path: 'by', message: unknownFieldMessage }]);
    const top = strictInput(scenarioSchema).safeParse({ startAt: '2026-12-01T10:00:00Z', until: '2026-12-02T10:00:00Z', steps: [], name: 'x' });
    expect(top.success ? [] : inputIssues(top.error.issues)).toEqual([{ path: 'name', message: unknownFieldMessage }]);
  });

  it('accepts every scenario and example the repository holds', () => {
    const files = readdirSync(path.join(root, 'scenarios')).filter((f) => f.endsWith('.json')).map((f) => `scenarios/${f}`);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const scenario = strictInput(scenarioSchema).parse(json(file));
      scenario.steps.forEach((raw, i) => {
        const parsed = isMeetingStep(raw) ? strictInput(meetingStepSchema).safeParse(raw) : strictInput(scenarioStepSchema).safeParse(raw);
        expect(parsed.success ? [] : inputIssues(parsed.error.issues), `${file} step ${i}`).toEqual([]);
        if (raw.do === 'submitReferral') {
          const referral = strictInput(referralSchema).safeParse((raw as { referral?: unknown }).referral);
          expect(referral.success ? [] : inputIssues(referral.error.issues), `${file} step ${i} referral`).toEqual([]);
        }
      });
    }
    const example = strictInput(referralSchema).safeParse(json('examples/referral.json'));
    expect(example.success ? [] : inputIssues(example.error.issues)).toEqual([]);
  });
});
