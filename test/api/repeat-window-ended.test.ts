import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseTimeline } from '../../client/cli/commands/case';
import type { CommandContext } from '../../client/cli/context';
import type { TimelineEntry } from '../../domain/timeline';
import { CaseEntries } from '../../store/entries/case-entries';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { person, startApiHarness, type ApiHarness } from './harness';

/**
 * `repeat.window-ended` (issue 21 item 3) is written by the subject's workflow into the store, usually
 * after the case closed (test/workflows/repeat-window-ended.test.ts runs it on skipped time); the API's
 * timeline and `hrda case timeline` read it beside the history's entries, in its place by time.
 */
let h: ApiHarness;
let caseId: string;
const admin = person('admin-1', 'administrator', 'police', 'reviewing the case');
const ended = (id: string): TimelineEntry => ({
  at: '2099-01-01T10:00:00.000Z', type: 'repeat.window-ended', caseId: id, actor: { role: 'system' },
  data: { latestReferralAt: '2098-01-01T10:00:00.000Z', repeatWindow: 'P12M', told: ['police', 'housing'] },
});

beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
  const { receivedAt: _now, ...referral } = exampleReferral({ incident: { occurredAt: new Date(Date.now() - 3_600_000).toISOString(), summary: 'Assault.', flags: [] } });
  const res = await h.app.inject({ method: 'POST', url: '/cases', headers: admin({ 'idempotency-key': randomUUID() }), payload: referral });
  expect(res.statusCode, res.body).toBe(201);
  caseId = res.json<{ caseId: string }>().caseId;
  expect(await new CaseEntries(h.database.db).record(ended(caseId))).toBe(true);
});
afterAll(async () => {
  await h?.stop();
});

describe('the end of the repeat window on the case timeline', () => {
  it('GET /cases/{id}/timeline has the stored entry after the history entries, and only on its own case', async () => {
    const timeline = (await h.app.inject({ method: 'GET', url: `/cases/${caseId}/timeline`, headers: admin() })).json<TimelineEntry[]>();
    expect(timeline[0]?.type).toBe('referral.received');
    expect(timeline.at(-1)).toEqual(ended(caseId));
    expect(timeline.filter((e) => e.type === 'repeat.window-ended')).toHaveLength(1);
  });

  it('hrda case timeline --format json carries it too', async () => {
    const out: string[] = [];
    const ctx: CommandContext = { client: h.temporal, config: h.config, db: h.database.db, purpose: 'test', io: { out: (t) => void out.push(t), err: () => {}, errIsTTY: false } };
    await caseTimeline(ctx, caseId, { format: 'json' });
    const printed = JSON.parse(out.join('\n')) as TimelineEntry[];
    expect(printed.at(-1)).toEqual(ended(caseId));
  });
});
