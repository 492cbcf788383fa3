import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimulatedCase } from '../../client/simulate/simulate';
import { bundleWorkflows } from '../support/bundle';
import { entries, referralStep, runScenario, sentMessages, type SentMessage } from '../support/simulation';

/**
 * DVDS and DVPO as items of their own on a case (issue 8 item 4), through `hrda simulate` on the
 * time-skipping server: a DVPO of 28 days is followed to its expiry by skipping time.
 */
let a: SimulatedCase;
let sent: SentMessage[];
let outbox: string;

const outcome = { risks: ['Threats to kill'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'High risk.' };

beforeAll(async () => {
  const bundle: WorkflowBundleWithSourceMap = await bundleWorkflows();
  outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-notices-'));
  const scenario = {
    profile: 'dorset-hrda',
    startAt: '2026-11-23T08:00:00Z',
    until: '2027-01-05T00:00:00Z',
    steps: [
      referralStep('2026-11-24T10:00:00Z'),
      // Refused: DVDS wording is agreed at the meeting, not before it.
      { at: '2026-11-25T10:00:00Z', do: 'recordDvds', ref: 'A', dvdsId: 'v0', route: 'right-to-ask', wording: 'Too early.' },
      { at: '2026-11-26T12:10:00Z', do: 'recordDvds', ref: 'A', dvdsId: 'v1', route: 'right-to-know', wording: 'The person you live with has a history of violence towards former partners.' },
      { at: '2026-11-26T12:30:00Z', do: 'recordMeetingOutcome', ref: 'A', outcome },
      // Refused: only the Police sign the wording off.
      { at: '2026-11-26T13:00:00Z', do: 'signOffDvds', ref: 'A', dvdsId: 'v1', actor: { role: 'agency-practitioner', agency: 'housing' } },
      { at: '2026-11-26T14:00:00Z', do: 'signOffDvds', ref: 'A', dvdsId: 'v1' },
      { at: '2026-11-27T10:00:00Z', do: 'recordDvpo', ref: 'A', dvpoId: 'o1', madeAt: '2026-11-27T09:30:00Z', days: 28,
        protectedPremises: '12 Harbour Row and 50 metres around it', terms: ['No contact with the victim', 'Not to enter the premises'] },
      // Refused: a DVPO runs 14 to 28 days.
      { at: '2026-11-27T11:00:00Z', do: 'recordDvpo', ref: 'A', dvpoId: 'o2', madeAt: '2026-11-27T09:30:00Z', days: 35, protectedPremises: 'x', terms: ['y'] },
      // The only action completes: without the DVPO in force the case would close here.
      { at: '2026-12-01T10:00:00Z', do: 'updateAction', ref: 'A', actionId: 'a1', status: 'completed', note: 'Locks changed.' },
      { at: '2026-12-02T10:00:00Z', do: 'reportDvpoBreach', ref: 'A', dvpoId: 'o1', occurredAt: '2026-12-01T22:00:00Z', details: 'Seen at the front door at night.' },
      // Refused: before the order was made.
      { at: '2026-12-03T10:00:00Z', do: 'reportDvpoBreach', ref: 'A', dvpoId: 'o1', occurredAt: '2026-11-20T22:00:00Z', details: 'Before the order.' },
    ],
  };
  a = (await runScenario(scenario, bundle, { outboxDir: outbox })).cases.A!;
  sent = await sentMessages(outbox);
});

afterAll(async () => {
  if (outbox) await rm(outbox, { recursive: true, force: true });
});

describe('DVDS and DVPO notices on a case', () => {
  it('takes the DVDS wording at the meeting and its sign-off from the Police only', () => {
    expect(entries(a.timeline, 'dvds.agreed')).toEqual([expect.objectContaining({ at: expect.stringMatching(/^2026-11-26T12:10/), data: { dvdsId: 'v1', route: 'right-to-know', meetingAt: '2026-11-26T12:00:00.000Z' } })]);
    expect(entries(a.timeline, 'dvds.signed-off')).toEqual([expect.objectContaining({ at: expect.stringMatching(/^2026-11-26T14:00/), data: { dvdsId: 'v1', route: 'right-to-know', agency: 'police' } })]);
    expect(a.state.notices?.dvds).toEqual([expect.objectContaining({ dvdsId: 'v1', signedOff: expect.objectContaining({ at: expect.stringMatching(/^2026-11-26T14:00/) }) })]);
    expect(a.rejected.map((r) => [r.at.slice(0, 16), r.step, r.error])).toEqual([
      ['2026-11-25T10:00', 'recordDvds', expect.stringContaining('agreed at the daily meeting')],
      ['2026-11-26T13:00', 'signOffDvds', expect.stringContaining('signed off by police, not housing')],
      ['2026-11-27T11:00', 'recordDvpo', expect.stringContaining('days')],
      ['2026-12-03T10:00', 'reportDvpoBreach', expect.stringContaining('outside it')],
    ]);
  });

  it('circulates the DVPO to the agencies, records a breach, and writes the expiry on the timeline to the minute', () => {
    expect(entries(a.timeline, 'dvpo.recorded')).toEqual([expect.objectContaining({ data: { dvpoId: 'o1', madeAt: '2026-11-27T09:30:00.000Z', days: 28, expiresAt: '2026-12-25T09:30:00.000Z' } })]);
    expect(entries(a.timeline, 'dvpo.breached')).toEqual([expect.objectContaining({ at: expect.stringMatching(/^2026-12-02T10:00/), data: { dvpoId: 'o1', occurredAt: '2026-12-01T22:00:00.000Z' } })]);
    expect(entries(a.timeline, 'dvpo.expired')).toEqual([expect.objectContaining({ at: '2026-12-25T09:30:00.000Z', data: { dvpoId: 'o1', expiresAt: '2026-12-25T09:30:00.000Z' } })]);
    const circulated = sent.filter((m) => m.subject.includes('DVPO o1: in force'));
    expect(circulated).toHaveLength(1);
    expect(circulated[0]!.to).toEqual(expect.arrayContaining(['hrda@police.example.org', 'hrda@housing.example.org', 'hrda@daa.example.org']));
    expect(circulated[0]!.eml).toContain('Not to enter the premises');
    expect(sent.filter((m) => m.subject.includes('DVPO o1 breached'))).toHaveLength(1);
    // Nothing goes to the perpetrator (PROTOCOL.md §1.1).
    for (const m of sent) expect(m.eml).not.toContain('blake@example.net');
  });

  it('keeps the case open while the DVPO is in force, and closes it by itself when it expires', () => {
    const closed = entries(a.timeline, 'case.closed');
    expect(closed).toEqual([expect.objectContaining({ at: '2026-12-25T09:30:00.000Z' })]);
    expect(a.state.stage).toBe('closed');
    const order = a.timeline.map((e) => e.type);
    expect(order.indexOf('dvpo.expired')).toBeLessThan(order.indexOf('case.closed'));
    expect(order.indexOf('action.updated')).toBeLessThan(order.indexOf('dvpo.breached'));
  });
});
