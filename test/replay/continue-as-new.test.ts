import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { auditCase, fetchRuns } from '../../client/audit/audit-case';
import { auditFindings } from '../../client/audit/findings';
import { CaseClient } from '../../client/cases';
import { registerSearchAttributes } from '../../client/search-attributes';
import { createDataConverter, developmentKeyRing } from '../../worker/codec';
import { caseUpdates } from '../../workflows/referral.messages';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { settled } from '../support/settled';
import { shortHistoryProfileId } from '../support/short-history-profile';

const entry = fileURLToPath(new URL('../support/workflows/short-history-entry.ts', import.meta.url));
// It adds a profile to the shared registry, so it loads with the shared modules (worker/bundle.ts).
const shortHistoryProfile = fileURLToPath(new URL('../support/short-history-profile.ts', import.meta.url));
const dataConverter = createDataConverter(developmentKeyRing());

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows(entry, [shortHistoryProfile]);
});

describe('a case that continued as new', () => {
  it('is audited run by run: every run replays, and the timeline rebuilt across the runs is the one the workflow reports', async () => {
    process.env.HRDA_TEST_SERVER_START_TIME = '2026-11-23T08:00:00Z';
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') } }, client: { dataConverter } });
    delete process.env.HRDA_TEST_SERVER_START_TIME;
    const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-can-'));
    try {
      await registerSearchAttributes(env.connection, env.namespace ?? 'default');
      const taskQueue = 'hrda-continue-as-new';
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        dataConverter,
        activities: createActivities({ client: env.client, taskQueue, subjectSecret: 'test-subject-key-0123456789', mail: new OutboxMail(outbox), police: new LocalPoliceSystems() }),
      });
      await worker.runUntil(async () => {
        const skipTo = async (at: string) => env.sleep(Math.max(0, Date.parse(at) - (await env.currentTimeMs())));
        const cases = new CaseClient(env.client, taskQueue);
        await skipTo('2026-11-24T10:00:00Z');
        await cases.submitReferral(exampleReferral({ receivedAt: '2026-11-24T10:00:00Z' }), { profileId: shortHistoryProfileId, caseId: 'long', now: new Date('2026-11-24T10:00:00Z') });
        await skipTo('2026-11-26T12:30:00Z');
        const admin = { role: 'administrator', agency: 'police' } as const;
        await cases.command('long', 'recordMeetingOutcome', { outcome: { risks: ['Strangulation'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'Practical safety first.' } }, admin);
        // Each update on work in progress restarts the update period: the history grows by a handful of events.
        for (let day = 0; day < 24; day++) {
          await skipTo(new Date(Date.parse('2026-11-27T10:00:00Z') + day * 86_400_000).toISOString());
          // Not while a run is continuing as new: the test server loses an update sent in that instant.
          await settled(env.client, 'case-long');
          // The update alone, not `cases.command`, which also queries the case: a query that reaches a run
          // as it continues as new is the other half of the same defect.
          const ack = await cases.handle('long').executeUpdate(caseUpdates.updateAction, {
            args: [{ actionId: 'a1', status: 'in-progress', note: `Update ${day + 1}.`, actor: { role: 'agency-practitioner', agency: 'housing' } }],
          });
          expect(ack).toMatchObject({ caseId: 'long' });
        }

        // The last update's record write may still be in flight, and the run may continue as new after it.
        await settled(env.client, 'case-long');
        const runs = await fetchRuns(env.client, 'case-long');
        expect(runs.length).toBeGreaterThan(1);
        const audit = await auditCase(env.client, 'long', { workflowBundle: bundle, dataConverter });
        expect(auditFindings(audit)).toEqual([]);
        expect(audit).toMatchObject({ ok: true, runs: runs.length, status: 'running', timeline: { ok: true } });
        expect(audit.rebuilt.timeline.filter((e) => e.type === 'action.updated')).toHaveLength(24);
      });
    } finally {
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    }
  });
});
