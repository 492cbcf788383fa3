import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Actor } from '../../domain/actor';
import { caseCommandSchemas } from '../../domain/case-commands';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { timelineEntrySchema } from '../../domain/timeline';
import { createReferralMachine, refusalReason, type CaseSnapshot, type ChecksOutput, type CommandEvent } from '../../machines/referral';
import { parsedReferral } from '../support/referrals';

const AT = '2026-11-24T11:00:00.000Z';

function startCase() {
  const machine = createReferralMachine(dorsetHrda).provide({
    actors: { runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async ({ input }) => ({ at: '2026-11-24T10:05:00.000Z', results: input.systems.map((s) => ({ system: s as 'niche', status: 'completed' as const, hits: 0 })) })) },
  });
  const actor = createActor(machine, { input: { caseId: 'case-1', profileId: dorsetHrda.id, referral: parsedReferral(), repeat: null } });
  actor.start();
  return actor;
}

const consent = (actor: Actor, consentId = 'c1'): CommandEvent<'recordDisclosureConsent'> => ({
  type: 'recordDisclosureConsent', at: AT,
  ...caseCommandSchemas.recordDisclosureConsent.parse({ consentId, recipient: 'Family Court', purpose: 'court', scope: ['case', 'case', 'matrix'], rationale: 'Hearing.', actor }),
});

describe('the case machine and perpetrator safety', () => {
  it("records the chair's consent on the timeline, refuses anyone else's, and a second consent with the same id", async () => {
    const actor = startCase();
    await waitFor(actor, (s) => s.context.infoRequestSentAt !== null);
    const snap = () => actor.getSnapshot() as CaseSnapshot;

    const byAdmin = consent({ role: 'administrator', agency: 'police' });
    expect(refusalReason(dorsetHrda, snap(), byAdmin)).toMatch(/chair's alone/);
    actor.send(byAdmin);
    expect(snap().context.timeline.filter((e) => e.type === 'disclosure.consented')).toEqual([]);

    const byChair = consent({ role: 'chair', agency: 'police', name: 'Chair A' });
    expect(refusalReason(dorsetHrda, snap(), byChair)).toBeUndefined();
    actor.send(byChair);
    const entries = snap().context.timeline.filter((e) => e.type === 'disclosure.consented');
    expect(entries).toEqual([{ at: AT, type: 'disclosure.consented', caseId: 'case-1', actor: { role: 'chair', agency: 'police', name: 'Chair A' }, data: { consentId: 'c1', recipient: 'Family Court', purpose: 'court', scope: ['case', 'matrix'] }, rationale: 'Hearing.' }]);
    expect(timelineEntrySchema.parse(entries[0])).toEqual(entries[0]);
    expect(refusalReason(dorsetHrda, snap(), byChair)).toMatch(/already recorded/);
  });

  it('records a withheld message once and tells the administrator, but not about its own alert', async () => {
    const actor = startCase();
    await waitFor(actor, (s) => s.context.infoRequestSentAt !== null);
    const withheld = { type: 'notificationWithheld' as const, at: AT, notificationId: 'case-1:info-request', topic: 'info-request', positions: [5] };
    actor.send(withheld);
    actor.send(withheld);
    const alertId = 'case-1:recipient-withheld:case-1:info-request';
    actor.send({ ...withheld, notificationId: alertId, topic: 'recipient-withheld', positions: [0] });
    const c = (actor.getSnapshot() as CaseSnapshot).context;
    expect(c.timeline.filter((e) => e.type === 'notification.withheld').map((e) => e.data.notificationId)).toEqual(['case-1:info-request', alertId]);
    const alerts = c.outbox.filter((n) => n.topic === 'recipient-withheld');
    expect(alerts.map((n) => [n.id, n.to])).toEqual([[alertId, ['administrator']]]);
    expect(alerts[0]!.body.join(' ')).toContain('to[5]');
    expect(alerts[0]!.body.join(' ')).not.toContain('blake');
  });
});
