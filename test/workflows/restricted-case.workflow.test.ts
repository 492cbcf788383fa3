import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { restrictedPlaceholder } from '../../activities/meeting-render';
import { workflowBundleOptions } from '../../worker/bundle';
import { meetingEntryPath, runMeetingScenario, type MeetingSimulationResult } from '../support/meeting-simulation';
import { entries, only, referralStep, sentMessages, type SentMessage } from '../support/simulation';

/** The .eml as a reader sees it: quoted-printable soft breaks and escapes undone. */
const readable = (eml: string) => Buffer.from(eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

const chair = { role: 'chair', agency: 'police', name: 'chair-jones' };
const outcome = (description: string) => ({ risks: ['Family searching for her'], actions: [{ id: 'a1', owner: 'housing', description }], leads: {}, rationale: 'Agreed.' });

// Real workflows (case and meeting) and activities on the time-skipping test server.
let bundle: WorkflowBundleWithSourceMap;
let r: MeetingSimulationResult;
let mail: SentMessage[];
let outboxDir: string;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: meetingEntryPath, ...workflowBundleOptions });
  outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-restricted-'));
  r = await runMeetingScenario({
    startAt: '2026-11-23T08:00:00Z', until: '2026-11-26T18:00:00Z',
    steps: [
      referralStep('2026-11-24T10:00:00Z', 'H', {
        victim: { name: 'Zara Restricted', dateOfBirth: '1998-05-05', consent: { share: true, contact: true } },
        incident: { occurredAt: '2026-11-23T22:00:00Z', summary: 'Threatened by her uncle over a planned marriage.', flags: ['honour-based-violence'] },
      }),
      referralStep('2026-11-24T10:30:00Z', 'O', { victim: { name: 'Olive Ordinary', dateOfBirth: '1980-01-01', consent: { share: true, contact: true } } }),
      { at: '2026-11-25T09:00:00Z', do: 'amendNeedToKnow', ref: 'H', add: ['daa-smith', 'admin-patel'], rationale: 'They work the case.', actor: chair },
      { at: '2026-11-25T09:30:00Z', do: 'amendNeedToKnow', ref: 'H', remove: ['nobody-here'], rationale: 'Wrong.', actor: chair },
      { at: '2026-11-25T10:00:00Z', do: 'restrictCase', ref: 'O', rationale: 'Nothing to restrict.', needToKnow: [], actor: chair },
      { at: '2026-11-26T12:30:00Z', do: 'recordOutcome', ref: 'H', outcome: outcome('Refuge place out of area for Zara.') },
      { at: '2026-11-26T12:40:00Z', do: 'recordOutcome', ref: 'O', outcome: outcome('Change the locks for Olive.') },
    ],
  }, bundle, { outboxDir });
  mail = await sentMessages(outboxDir);
}, 240_000);
afterAll(async () => {
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

describe('a restricted case through its workflow and its meeting (issue 7 item 3; 003 §18.3)', () => {
  it('is restricted at intake, with Police as lead agency, and the chair\'s amendment is on the timeline', () => {
    const h = r.cases.H!;
    expect(h.state).toMatchObject({ restricted: true, needToKnow: ['daa-smith', 'admin-patel'], stage: 'monitoring' });
    expect(h.state.leads).toMatchObject({ case: { agency: 'police' }, victim: { agency: 'domestic-abuse-advisor' } });
    expect(only(h.timeline, 'case.restricted')).toMatchObject({ at: '2026-11-24T10:00:00.000Z', data: { basis: 'referral-flags', flags: ['honour-based-violence'], needToKnow: [] } });
    expect(entries(h.timeline, 'lead.assigned').find((e) => e.data.for === 'case')?.data.agency).toBe('police');
    expect(only(h.timeline, 'need-to-know.amended')).toMatchObject({ actor: chair, data: { added: ['daa-smith', 'admin-patel'], needToKnow: ['daa-smith', 'admin-patel'] } });
    expect(r.cases.O!.state).not.toHaveProperty('restricted');
  });

  it('refuses commands that do not fit, with the reason', () => {
    expect(r.cases.H!.rejected).toEqual([expect.objectContaining({ step: 'amendNeedToKnow', error: expect.stringMatching(/not on the need-to-know list: nobody-here/) })]);
    expect(r.cases.O!.rejected).toEqual([expect.objectContaining({ step: 'restrictCase', error: expect.stringMatching(/needToKnow: name at least one person/) })]);
  });

  it('the pack and the minutes circulated to all agencies carry a placeholder for it, and nothing of its details', () => {
    const pack = mail.find((m) => m.id.startsWith('meeting-dorset-hrda-daily-2026-11-26:papers'));
    const minutes = mail.find((m) => m.id === 'meeting-dorset-hrda-daily-2026-11-26:minutes');
    expect(pack, mail.map((m) => m.id).join(', ')).toBeDefined();
    expect(minutes).toBeDefined();
    for (const m of [pack!, minutes!]) {
      const text = readable(m.eml);
      expect(text).toContain(restrictedPlaceholder);
      expect(text).toContain(`Case ${r.cases.H!.caseId.slice(0, 8)}`);
      expect(text).not.toMatch(/Zara|uncle|planned marriage|Refuge place/);
    }
    expect(readable(pack!.eml)).toContain('Olive Ordinary');
    expect(readable(minutes!.eml)).toContain('Change the locks for Olive.');
  });
});
