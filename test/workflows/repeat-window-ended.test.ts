import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { subjectKey, subjectWorkflowId } from '../../activities/subject-registry';
import { CaseClient } from '../../client/cases';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { registerSearchAttributes } from '../../client/search-attributes';
import { CaseEntries } from '../../store/entries/case-entries';
import { createDataConverter, developmentKeyRing, PostgresDataKeyStore } from '../../worker/codec';
import { bundleWorkflows } from '../support/bundle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exampleReferral } from '../support/referrals';
import { sentMessages } from '../support/simulation';

/**
 * The end of the repeat window (issue 21 item 3) on the time-skipping server, the window the
 * profile's own (P12M): time is skipped, never the window shrunk. The window runs from the victim's
 * latest referral, so a repeat moves it; when it passes, the agencies that took part in each case are
 * told by case reference, nothing else, and each case's timeline gets `repeat.window-ended` (kept in
 * the store, read beside its history's entries).
 */
let database: TestDatabase;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  database = await createTestDatabase();
  bundle = await bundleWorkflows();
});
afterAll(async () => {
  await database?.drop();
});

const admin = { role: 'administrator', agency: 'police', name: 'staff-0042' } as const;
const isWindowNotice = (m: { subject: string }) => m.subject.includes('Repeat window ended');

describe('the end of the repeat window, on the time-skipping server', () => {
  it('tells the agencies of each case 12 months after the latest referral, by case reference only, and records it on each timeline', async () => {
    expect(dorsetHrda.routing.repeatWindow).toBe('P12M');
    const ring = developmentKeyRing();
    const dataKeys = new PostgresDataKeyStore(database.db, ring);
    const dataConverter = createDataConverter(ring, dataKeys);
    process.env.HRDA_TEST_SERVER_START_TIME = '2026-11-24T08:00:00Z';
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') } }, client: { dataConverter } });
    delete process.env.HRDA_TEST_SERVER_START_TIME;
    const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-window-'));
    try {
      await registerSearchAttributes(env.connection, env.namespace ?? 'default');
      const taskQueue = 'hrda-window';
      const subjectSecret = 'test-subject-key-0123456789';
      const worker = await Worker.create({
        connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter,
        activities: createActivities({ db: database.db, client: env.client, taskQueue, subjectSecret, mail: new OutboxMail(outbox), police: new LocalPoliceSystems(), dataKeys }),
      });
      await worker.runUntil(async () => {
        const skipTo = async (at: string) => env.sleep(Math.max(0, Date.parse(at) - (await env.currentTimeMs())));
        const cases = new CaseClient(env.client, taskQueue, { dataKeys, entries: new CaseEntries(database.db) });
        const heard = async (caseId: string, receivedAt: string) => {
          await skipTo(receivedAt);
          const { case: view } = await cases.submitReferral(exampleReferral({ receivedAt }), { caseId, now: new Date(receivedAt) });
          await skipTo(new Date(Date.parse(view.meetingAt!) + 30 * 60_000).toISOString());
          await cases.command(caseId, 'recordMeetingOutcome', { outcome: { risks: ['Strangulation'], actions: [], leads: {}, rationale: 'Heard.' } }, admin);
          expect((await cases.state(caseId)).stage).toBe('closed');
        };
        await heard('window-a', '2026-11-24T10:00:00Z');
        // A repeat ten weeks on: the window now runs from it.
        await heard('window-b', '2027-02-01T10:00:00Z');
        expect((await cases.state('window-b')).repeat?.previousCaseId).toBe('window-a');

        // The first referral's own twelve months pass: the window is still open (the repeat moved it).
        await skipTo('2027-11-25T10:00:00Z');
        expect((await sentMessages(outbox)).filter(isWindowNotice)).toEqual([]);
        const subject = env.client.workflow.getHandle(subjectWorkflowId(subjectKey(subjectSecret, { name: 'Alex Example', dateOfBirth: '1990-04-01' })));
        expect((await subject.describe()).status.name).toBe('RUNNING');

        // Twelve months after the repeat, to the minute.
        await skipTo('2028-02-01T10:01:00Z');
        await subject.result();
        const notices = (await sentMessages(outbox)).filter(isWindowNotice).sort((x, y) => x.id.localeCompare(y.id));
        expect(notices.map((m) => m.id)).toEqual(['window-a:repeat-window-ended:2028-02-01T10:00:00.000Z', 'window-b:repeat-window-ended:2028-02-01T10:00:00.000Z']);
        const mailbox = (id: string) => dorsetHrda.agencies.find((a) => a.id === id)!.mailbox;
        for (const m of notices) {
          // The agencies that took part: asked for information, leading, referring.
          expect(m.to).toEqual(expect.arrayContaining([...dorsetHrda.infoRequest.agencies.map(mailbox)]));
          // Directory agencies only: never the perpetrator, whose contacts the referral holds.
          for (const to of m.to) expect(dorsetHrda.agencies.map((a) => a.mailbox)).toContain(to);
          expect(m.eml).not.toMatch(/blake@example\.net|07700900123/);
          // The case reference, and nothing personal.
          expect(m.eml).toContain(m.id.split(':')[0]);
          for (const personal of ['Alex Example', 'Blake Example', 'Casey Example', '1990-04-01', 'Strangulation', 'strangulation']) expect(m.eml).not.toContain(personal);
        }

        // The record entry, kept in the store (the cases closed long ago); read from there, not by querying the
        // closed workflows, which on this server would let time run on to their retention.
        const stored = new CaseEntries(database.db);
        for (const caseId of ['window-a', 'window-b']) {
          expect(await stored.ofCase(caseId)).toEqual([{
            at: '2028-02-01T10:00:00.000Z', type: 'repeat.window-ended', caseId, actor: { role: 'system' },
            data: { latestReferralAt: '2027-02-01T10:00:00.000Z', repeatWindow: 'P12M', told: expect.arrayContaining(dorsetHrda.infoRequest.agencies) },
          }]);
        }
        // A retried write changes nothing.
        const [entry] = await stored.ofCase('window-a');
        expect(await stored.record(entry!)).toBe(false);
      });
    } finally {
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    }
  }, 300_000);
  it('tells the agencies of a case whose plan reached its subject before plans carried them, from its record in the store', async () => {
    const ring = developmentKeyRing();
    const dataKeys = new PostgresDataKeyStore(database.db, ring);
    const dataConverter = createDataConverter(ring, dataKeys);
    process.env.HRDA_TEST_SERVER_START_TIME = '2026-11-24T08:00:00Z';
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') } }, client: { dataConverter } });
    delete process.env.HRDA_TEST_SERVER_START_TIME;
    const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-window-legacy-'));
    try {
      await registerSearchAttributes(env.connection, env.namespace ?? 'default');
      const taskQueue = 'hrda-window-legacy';
      const worker = await Worker.create({
        connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter,
        activities: createActivities({ db: database.db, client: env.client, taskQueue, subjectSecret: 'test-subject-key-legacy-0001', mail: new OutboxMail(outbox), police: new LocalPoliceSystems(), dataKeys }),
      });
      await worker.runUntil(async () => {
        const skipTo = async (at: string) => env.sleep(Math.max(0, Date.parse(at) - (await env.currentTimeMs())));
        const cases = new CaseClient(env.client, taskQueue, { dataKeys });
        const receivedAt = '2026-11-24T10:00:00Z';
        await skipTo(receivedAt);
        const { case: view } = await cases.submitReferral(exampleReferral({ receivedAt }), { caseId: 'legacy-a', now: new Date(receivedAt) });
        await skipTo(new Date(Date.parse(view.meetingAt!) + 30 * 60_000).toISOString());
        await cases.command('legacy-a', 'recordMeetingOutcome', { outcome: { risks: ['Strangulation'], actions: [], leads: {}, rationale: 'Heard.' } }, admin);
        // A subject as one carried over from before: the referral without its profile or agencies. Dated
        // a day after the case's own subject registered it, so that its window ends apart from that one's.
        const subject = await env.client.workflow.start('subjectWorkflow', {
          taskQueue, workflowId: 'subject-legacy-fixture',
          args: [{ referrals: [{ caseId: 'legacy-a', receivedAt: '2026-11-25T10:00:00.000Z', route: 'hrda', repeat: false }], repeatWindow: 'P12M' }],
        });
        await skipTo('2027-11-25T10:01:00Z');
        await subject.result();
        const notice = (await sentMessages(outbox)).find((m) => m.id === 'legacy-a:repeat-window-ended:2027-11-25T10:00:00.000Z');
        expect(notice?.to).toEqual(expect.arrayContaining(dorsetHrda.infoRequest.agencies.map((id) => dorsetHrda.agencies.find((a) => a.id === id)!.mailbox)));
        const legacy = (await new CaseEntries(database.db).ofCase('legacy-a')).find((e) => e.at === '2027-11-25T10:00:00.000Z');
        expect(legacy?.data).toMatchObject({ latestReferralAt: '2026-11-25T10:00:00.000Z', told: expect.arrayContaining(['police', 'housing']) });
      });
    } finally {
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    }
  }, 300_000);
});
