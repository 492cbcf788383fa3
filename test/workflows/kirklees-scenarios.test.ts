import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimulationResult } from '../../client/simulate/simulate';
import { bundleWorkflows } from '../support/bundle';
import { entries, only, runScenario } from '../support/simulation';

/**
 * The kirklees-dramm-marac scenarios (scenarios/kirklees-dramm-marac-*.json) through `hrda
 * simulate` on the time-skipping server, from referral to closure, checked against the
 * protocol's own instants ([002] 2.14, 2.17, 2.26, 2.50).
 */
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

const scenario = async (name: string) => JSON.parse(await readFile(new URL(`../../scenarios/${name}`, import.meta.url), 'utf8')) as unknown;

describe('scenarios/kirklees-dramm-marac-dramm-only.json: a medium-risk incident heard at the DRAMM only', () => {
  let r: SimulationResult;
  beforeAll(async () => {
    r = await runScenario(await scenario('kirklees-dramm-marac-dramm-only.json'), bundle);
  }, 240_000);

  it('shares the case by 10:00 and hears it at 11:30 the same Tuesday', () => {
    const t = r.cases.A!.timeline;
    expect(only(t, 'referral.routed').rationale).toBe('A medium-risk police incident is heard where children are linked.');
    expect(only(t, 'info-request.sent').data).toMatchObject({ circulateBy: '2026-11-24T10:00:00.000Z', respondBy: '2026-11-24T11:30:00.000Z' });
    expect(only(t, 'meeting.scheduled').data).toEqual({ kind: 'daily', meetingAt: '2026-11-24T11:30:00.000Z' });
    expect(only(t, 'meeting.heard').data).toEqual({ kind: 'daily', meetingAt: '2026-11-24T11:30:00.000Z' });
    expect(entries(t, 'reminder.sent')[0]).toMatchObject({ at: '2026-11-24T11:00:00.000Z', data: { about: 'agency summary', to: ['police', 'pdvg', 'chart', 'adult-social-care'] } });
  });

  it("records the chair's confirmation, refuses two agencies contacting the medium-risk victim, and takes the outcome with one", () => {
    const t = r.cases.A!.timeline;
    expect(only(t, 'risk.confirmed')).toMatchObject({ at: expect.stringMatching(/^2026-11-24T11:35/), actor: { role: 'chair' }, data: { risk: 'medium', from: 'medium' } });
    expect(r.refused).toEqual([expect.objectContaining({ at: '2026-11-24T11:45:00.000Z', step: 'recordOutcome', error: expect.stringContaining('no more than 1 agency contacts the victim to offer support ([002] 2.50)') })]);
    expect(only(t, 'matrix.recorded')).toMatchObject({ at: expect.stringMatching(/^2026-11-24T11:50/), data: { actions: [
      { id: 'a1', owner: 'childrens-social-care', dueAt: '2026-12-15T11:30:00.000Z' },
      { id: 'a2', owner: 'locala', dueAt: '2026-12-15T11:30:00.000Z' },
      { id: 'a3', owner: 'police', dueAt: '2026-12-15T11:30:00.000Z' },
    ] } });
    expect(r.cases.A!.state.actions.filter((a) => a.contactsVictim).map((a) => a.owner)).toEqual(['childrens-social-care']);
  });

  it('closes by itself when the last action is complete, with no MARAC referral', () => {
    const t = r.cases.A!.timeline;
    expect(r.cases.A!.state.stage).toBe('closed');
    expect(only(t, 'case.closed').at).toMatch(/^2026-12-10T15:00/);
    expect(entries(t, 'meeting.scheduled').map((e) => e.data.kind)).toEqual(['daily']);
  });
});
