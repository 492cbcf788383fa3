import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Payload } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { readCaseRecord, renderSkeleton } from '../../client/case-record';
import { showCase, submitCase } from '../../client/cli/commands/case';
import { parseConfig } from '../../domain/config';
import { CaseClient } from '../../client/cases';
import { registerSearchAttributes } from '../../client/search-attributes';
import {
  createDataConverter, developmentKeyRing, EncryptionCodec, type DataKey, KeyRing, PostgresDataKeyStore, METADATA_DATA_KEY, METADATA_ENCRYPTION_KEY_ID,
  PersonalDataDestroyedError,
} from '../../worker/codec';
import { retainUntilQuery, retentionWorkflowId } from '../../workflows/retention.workflow';
import { subjectKey } from '../../activities/subject-registry';
import { bundleWorkflows } from '../support/bundle';
import { payloadsIn } from '../support/payloads';
import { distinctiveReferral, isPatchMarker, leaked, personalDataOf } from './personal-data';
import { exampleReferral } from '../support/referrals';
import { WorkflowUpdateStage } from '@temporalio/client';
import { destroyedPlaceholder } from '../../activities/meeting-render';
import { meetingPack } from '../../client/cli/commands/meeting';
import { MeetingClient } from '../../client/meetings';
import { meetingWorkflowId } from '../../domain/agenda';
import { dailyMeetingUpdates, monthlyMeetingUpdates } from '../../workflows/meeting.messages';
import { sentMessages } from '../support/simulation';
import { createTestDatabase, type TestDatabase } from '../support/database';

const key = (byte: number) => Buffer.alloc(32, byte);
const payload = (text: string): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(text)) });
const caseContext = (caseId: string) => ({ type: 'workflow' as const, namespace: 'hrda', workflowId: `case-${caseId}` });
const metadataText = (p: Payload, name: string) => (p.metadata?.[name] ? Buffer.from(p.metadata[name]!).toString() : undefined);

let dir: string;
let database: TestDatabase;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-data-keys-'));
  database = await createTestDatabase();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await database?.drop();
});

describe('the data-key store', () => {
  it('keeps one key per case, shared by processes that meet the case at the same moment', async () => {
    const ring = new KeyRing([{ id: 'k1', key: key(1) }]);
    const stores = Array.from({ length: 4 }, () => new PostgresDataKeyStore(database.db, ring));
    const keys = await Promise.all(stores.map(async (s) => (await s.current('case:race-1')) as DataKey));
    expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(1);
    expect(keys.every((k) => k.generation === 1)).toBe(true);
    // In the store the key is wrapped by the ring, never in clear.
    const { rows } = await database.db.query<{ generation: number; wrapped: string }>("SELECT generation, wrapped FROM data_keys WHERE scope = 'case:race-1'");
    expect(rows.map((r) => r.generation)).toEqual([1]);
    expect(Buffer.from(rows[0]!.wrapped, 'base64').includes(keys[0]!.key)).toBe(false);
  });

  it('destroys every generation, refuses what was under them, and gives a reused case ID a new key', async () => {
    const ring = new KeyRing([{ id: 'k1', key: key(1) }]);
    const store = new PostgresDataKeyStore(database.db, ring);
    const first = (await store.current('case:d-1')) as DataKey;
    const destroyed = await store.destroy('case:d-1', '2032-11-24T10:00:00.000Z', 'the retention period ended');
    expect(destroyed).toMatchObject({ state: 'destroyed', generation: 1, destroyedAt: '2032-11-24T10:00:00.000Z' });
    // Another process, with nothing cached, sees it destroyed.
    const other = new PostgresDataKeyStore(database.db, ring);
    expect(await other.get('case:d-1', 1)).toMatchObject({ state: 'destroyed' });
    expect(await other.status('case:d-1')).toMatchObject({ state: 'destroyed', destroyedAt: '2032-11-24T10:00:00.000Z' });
    // The key's row is gone; its tombstone says when and why.
    expect((await database.db.query("SELECT 1 FROM data_keys WHERE scope = 'case:d-1'")).rowCount).toBe(0);
    expect((await database.db.query("SELECT generation, reason FROM data_key_tombstones WHERE scope = 'case:d-1'")).rows).toEqual([{ generation: 1, reason: 'the retention period ended' }]);
    // A case's key stays destroyed; a subject referred again gets a new one.
    expect(await other.current('case:d-1')).toMatchObject({ state: 'destroyed' });
    const second = (await other.current('case:d-1', { renew: true })) as DataKey;
    expect(second.generation).toBe(2);
    expect(second.key.equals(first.key)).toBe(false);
    expect(await other.get('case:d-1', 1)).toMatchObject({ state: 'destroyed' });
  });

  it('still unwraps keys wrapped under a ring key that is no longer active, and refuses scopes that are not IDs', async () => {
    const old = new PostgresDataKeyStore(database.db, new KeyRing([{ id: 'k1', key: key(1) }]));
    const written = (await old.current('case:r-1')) as DataKey;
    const rotated = new PostgresDataKeyStore(database.db, new KeyRing([{ id: 'k1', key: key(1) }, { id: 'k2', key: key(2) }]));
    expect((await rotated.get('case:r-1', 1)) as { key: Buffer }).toMatchObject({ key: written.key });
    await expect(rotated.current('case:../../etc')).rejects.toThrow(/not a data-key scope/);
  });
});

describe('the payload codec with per-case keys', () => {
  it("encrypts a case's payloads under the case's key, others under the ring, and refuses a destroyed case's", async () => {
    const ring = new KeyRing([{ id: 'k1', key: key(1) }]);
    const store = new PostgresDataKeyStore(database.db, ring);
    const codec = new EncryptionCodec(ring, store);

    const [ofCase] = await codec.encode([payload('Alex Example')], caseContext('c-1'));
    expect(metadataText(ofCase!, METADATA_DATA_KEY)).toBe('case:c-1#1');
    expect(metadataText(ofCase!, METADATA_ENCRYPTION_KEY_ID)).toBeUndefined();
    expect(Buffer.from(ofCase!.data!).includes('Alex')).toBe(false);
    // A dispute belongs to its case, though both IDs may contain "-".
    const [ofDispute] = await codec.encode([payload('the matter')], { type: 'workflow', namespace: 'hrda', workflowId: 'dispute-c-1-d-2' });
    expect(metadataText(ofDispute!, METADATA_DATA_KEY)).toBe('case:c-1#1');
    // An activity the case scheduled is the case's too.
    const [ofActivity] = await codec.encode([payload('x')], { type: 'activity', namespace: 'hrda', workflowId: 'case-c-1', isLocal: false });
    expect(metadataText(ofActivity!, METADATA_DATA_KEY)).toBe('case:c-1#1');
    const [ofMeeting] = await codec.encode([payload('agenda')], { type: 'workflow', namespace: 'hrda', workflowId: 'meeting-dorset-hrda-daily-2026-11-26' });
    expect(metadataText(ofMeeting!, METADATA_ENCRYPTION_KEY_ID)).toBe('k1');

    const texts = async (ps: Payload[]) => (await codec.decode(ps)).map((p) => JSON.parse(Buffer.from(p.data!).toString()) as string);
    expect(await texts([ofCase!, ofDispute!, ofMeeting!])).toEqual(['Alex Example', 'the matter', 'agenda']);

    await store.destroy('case:c-1', '2032-11-24T10:00:00.000Z', 'the retention period ended');
    await expect(codec.decode([ofCase!])).rejects.toBeInstanceOf(PersonalDataDestroyedError);
    await expect(codec.decode([ofDispute!])).rejects.toThrow(/case:c-1 was destroyed on 2032-11-24/);
    expect(await texts([ofMeeting!])).toEqual(['agenda']);
  });
});

/**
 * Every payload in a history (inputs, results, signal and update arguments, failures), but not
 * search attributes or patch markers: Temporal keeps those in clear by design (no personal data).
 */
const writtenPayloads = (events: unknown) => payloadsIn(events, (k, v) => k === 'searchAttributes' || isPatchMarker(k, v));

describe('retention on the time-skipping server', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
  });

  it("destroys each case's personal data six years after the subject's latest referral, restarting on a repeat, and leaves the skeleton", async () => {
    const ring = developmentKeyRing();
    // One store for the process, as dataKeyStoreFor gives the service: a destruction is seen at once.
    const dataKeys = new PostgresDataKeyStore(database.db, ring);
    const dataConverter = createDataConverter(ring, dataKeys);
    process.env.HRDA_TEST_SERVER_START_TIME = '2026-11-24T08:00:00Z';
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') } }, client: { dataConverter } });
    delete process.env.HRDA_TEST_SERVER_START_TIME;
    const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-shred-'));
    try {
      await registerSearchAttributes(env.connection, env.namespace ?? 'default');
      const taskQueue = 'hrda-retention';
      const subjectSecret = 'test-subject-key-0123456789';
      const worker = await Worker.create({
        connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter,
        activities: createActivities({ client: env.client, taskQueue, subjectSecret, mail: new OutboxMail(outbox), police: new LocalPoliceSystems(), dataKeys }),
      });
      await worker.runUntil(async () => {
        const skipTo = async (at: string) => env.sleep(Math.max(0, Date.parse(at) - (await env.currentTimeMs())));
        const cases = new CaseClient(env.client, taskQueue);
        const admin = { role: 'administrator', agency: 'police' } as const;
        const housing = { role: 'agency-practitioner', agency: 'housing' } as const;
        const lifecycle = async (caseId: string, receivedAt: string) => {
          await skipTo(receivedAt);
          const { case: view } = await cases.submitReferral(exampleReferral({ receivedAt }), { caseId, now: new Date(receivedAt) });
          await skipTo(new Date(Date.parse(view.meetingAt!) + 30 * 60_000).toISOString());
          await cases.command(caseId, 'recordMeetingOutcome', { outcome: { risks: ['Strangulation'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'Practical safety first.' } }, admin);
          await cases.command(caseId, 'updateAction', { actionId: 'a1', status: 'completed', note: 'Locks changed.' }, housing);
          expect((await cases.state(caseId)).stage).toBe('closed');
        };

        await lifecycle('shred-1', '2026-11-24T10:00:00Z');
        // Everything the case and its activities wrote is under the case's own key; what it sent its
        // subject's workflow, under the subject's.
        const written = writtenPayloads((await cases.handle('shred-1').fetchHistory()).events);
        expect(written.length).toBeGreaterThan(10);
        const keys = new Set(written.map((p) => metadataText(p, METADATA_DATA_KEY) ?? `ring:${metadataText(p, METADATA_ENCRYPTION_KEY_ID)}`));
        expect([...keys].sort()).toEqual(['case:shred-1#1', expect.stringMatching(/^subject:[0-9a-f]{32}#1$/)]);

        // The same victim referred again two years later: the clock restarts from then.
        await lifecycle('shred-2', '2029-01-09T10:00:00Z');
        const retention = env.client.workflow.getHandle(retentionWorkflowId(subjectKey(subjectSecret, { name: 'Alex Example', dateOfBirth: '1990-04-01' })));
        expect(await retention.query(retainUntilQuery)).toBe('2035-01-09T10:00:00.000Z');

        // Six years after the first referral: nothing destroyed, the repeat restarted the clock.
        await skipTo('2032-12-01T10:00:00Z');
        expect(await dataKeys.status('case:shred-1')).toMatchObject({ state: 'live' });
        expect((await readCaseRecord(cases, dataKeys, 'shred-1')).personalData).toBe('present');

        // Six years after the latest: both cases' data keys, and the subject's, are gone.
        await skipTo('2035-01-10T10:00:00Z');
        await retention.result();
        for (const caseId of ['shred-1', 'shred-2']) {
          const record = await readCaseRecord(cases, new PostgresDataKeyStore(database.db, ring), caseId);
          if (record.personalData !== 'destroyed') throw new Error(`${caseId} should have been destroyed`);
          expect(record.destroyedAt.slice(0, 10)).toBe('2035-01-09');
          expect(record.skeleton).toMatchObject({ caseId, stage: 'closed', risk: 'high', profile: 'dorset-hrda', status: 'COMPLETED' });
          expect(record.skeleton.agencies).toContain('housing');
          const text = renderSkeleton(record);
          expect(text).toContain(`personal data destroyed on ${record.destroyedAt}`);
          expect(text).not.toMatch(/Alex|Blake|Casey/);
        }
        // `hrda case show`, as ops run it, with the configuration naming this store.
        const out: string[] = [];
        const config = parseConfig({ TEMPORAL_NAMESPACE: env.namespace ?? 'default', HRDA_TASK_QUEUE: taskQueue });
        await showCase({ client: env.client, config, db: database.db, purpose: 'test', io: { out: (t) => void out.push(t), err: () => undefined, errIsTTY: false } }, 'shred-1', {});
        expect(out.join('\n')).toMatch(/^Case shred-1: personal data destroyed on 2035-01-09T10:00:00\.\d{3}Z \(the retention period ended\)\./);
        expect(out.join('\n')).toMatch(/risk\s+high/);

        // The history is still on the server, and nothing personal in it can be read by anyone, here
        // or in a process that never saw the key.
        const codec = new EncryptionCodec(ring, new PostgresDataKeyStore(database.db, ring));
        for (const p of writtenPayloads((await cases.handle('shred-1').fetchHistory()).events)) {
          await expect(codec.decode([p])).rejects.toBeInstanceOf(PersonalDataDestroyedError);
        }
        // The worker can no longer replay it to answer a query.
        await expect(cases.state('shred-1')).rejects.toThrow();
        expect(await dataKeys.status('case:shred-1')).toMatchObject({ state: 'destroyed', generation: 1 });
      });
    } finally {
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('meeting papers after a case is destroyed (issue 7 item 4)', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
  });

  it("keeps none of a case's personal data in the meetings that heard it, and renders its papers with the case's placeholder once its key is destroyed", async () => {
    const ring = developmentKeyRing();
    const dataKeys = new PostgresDataKeyStore(database.db, ring);
    const dataConverter = createDataConverter(ring, dataKeys);
    process.env.HRDA_TEST_SERVER_START_TIME = '2026-11-24T08:00:00Z';
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') } }, client: { dataConverter } });
    delete process.env.HRDA_TEST_SERVER_START_TIME;
    const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-papers-'));
    try {
      await registerSearchAttributes(env.connection, env.namespace ?? 'default');
      const taskQueue = 'hrda-papers';
      const worker = await Worker.create({
        connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter,
        activities: createActivities({ client: env.client, taskQueue, subjectSecret: 'test-subject-key-0123456789', mail: new OutboxMail(outbox), police: new LocalPoliceSystems(), dataKeys }),
      });
      await worker.runUntil(async () => {
        const skipTo = async (at: string) => env.sleep(Math.max(0, Date.parse(at) - (await env.currentTimeMs())));
        const cases = new CaseClient(env.client, taskQueue);
        const meetings = new MeetingClient(env.client, taskQueue, 'dorset-hrda', { dataKeys });
        const admin = { role: 'administrator', agency: 'police' } as const;
        const chair = { role: 'chair', agency: 'police' } as const;
        const referral = distinctiveReferral();
        // Everything said about the case's people at the meetings, besides the referral itself.
        const spoken = [
          'Move Morwenna to the Quillon refuge', 'Lachlan Penhallow threatened Morwenna at the school gate', 'Isolde is frightened of Lachlan',
          'Morwenna says Lachlan broke his bail', 'Joint visit to Morwenna with the police', 'Penhallow breached bail twice',
        ];
        const secrets = [...personalDataOf(referral), ...spoken];
        const other = exampleReferral({ receivedAt: '2026-11-24T10:30:00Z' });

        await skipTo('2026-11-24T10:00:00Z');
        await cases.submitReferral(referral, { caseId: 'papers-1', now: new Date('2026-11-24T10:00:00Z') });
        await cases.submitReferral(other, { caseId: 'papers-2', now: new Date('2026-11-24T10:30:00Z') });
        await skipTo('2026-11-25T09:00:00Z');
        await cases.command('papers-1', 'submitSummary', { agency: 'health', summary: { involvement: 'Health visitor sees Morwenna and Isolde.', risks: spoken[1]!, actionsTaken: 'Flag.', recommendations: spoken[0]! } }, { role: 'agency-practitioner', agency: 'health' });

        // The daily meeting sits: an outcome sent to the meeting with its text is refused, and nothing of it is written.
        await skipTo('2026-11-26T12:10:00Z');
        const meetingId = meetingWorkflowId('dorset-hrda', 'daily', '2026-11-26');
        const outcome = { risks: [spoken[1]!], actions: [{ id: 'a1', owner: 'housing', description: spoken[0]! }], leads: {}, rationale: spoken[2]! };
        await expect(env.client.workflow.getHandle(meetingId).executeUpdate(dailyMeetingUpdates.recordOutcome, { args: [{ caseId: 'papers-1', outcome, actor: admin } as never] }))
          .rejects.toMatchObject({ cause: { message: expect.stringMatching(/outcome: the outcome \(the HRDA Matrix\) is recorded on the case, not sent to the meeting/) } });
        // Through the meeting client the outcome goes to the case, and the meeting keeps the reference.
        await skipTo('2026-11-26T12:30:00Z');
        const agenda = await meetings.recordOutcome('2026-11-26', { caseId: 'papers-1', outcome }, admin);
        expect(agenda.items.find((i) => i.caseId === 'papers-1')?.status).toBe('heard');
        expect(await meetings.outcomes('daily', '2026-11-26')).toEqual([{ caseId: 'papers-1', at: expect.stringMatching(/^2026-11-26T12:30/), by: admin }]);
        expect((await cases.state('papers-1')).actions.map((a) => a.description)).toEqual([spoken[0]]);
        await meetings.recordOutcome('2026-11-26', { caseId: 'papers-2', outcome: { risks: ['Strangulation'], actions: [], leads: {}, rationale: 'Heard.' } }, admin);

        // The HRDAP: a review request, the chairs' QA, and a review outcome whose client never tells the meeting it
        // was recorded (it stopped): the meeting holds the case's place, asks the case after its wait, keeps the reference.
        await skipTo('2026-12-01T10:00:00Z');
        await cases.command('papers-1', 'requestReview', { reason: 'escalating-risk', summary: spoken[3]! }, { role: 'lead-professional', agency: 'domestic-abuse-advisor' });
        await skipTo('2026-12-14T10:00:00Z');
        await meetings.recordQaDecision('2026-12-23', { caseId: 'papers-1', accepted: true }, chair);
        await skipTo('2026-12-23T10:00:00Z');
        const monthlyId = meetingWorkflowId('dorset-hrda', 'monthly', '2026-12-23');
        const pending = await env.client.workflow.getHandle(monthlyId).startUpdate(monthlyMeetingUpdates.recordReviewOutcome, { args: [{ caseId: 'papers-1', actor: chair }], waitForStage: WorkflowUpdateStage.ACCEPTED });
        await cases.command('papers-1', 'recordReviewOutcome', { risks: [spoken[5]!], actions: [{ id: 'r1', owner: 'probation', description: spoken[4]! }], rationale: spoken[3]! }, chair);
        await env.sleep(2 * 60_000);
        expect((await pending.result()).items.find((i) => i.caseId === 'papers-1')?.status).toBe('heard');
        await skipTo('2026-12-24T10:00:00Z');

        // Before destruction, the papers read again show the case in full; the mailed copies are in the outbox.
        const before = (await meetings.pack('daily', '2026-11-26'))!;
        expect(before.markdown).toContain('Morwenna Tregarthen');
        const mailed = await sentMessages(outbox);
        expect(mailed.find((m) => m.id === `${meetingId}:papers:r1`)?.eml).toContain('Tregarthen');

        await dataKeys.destroy('case:papers-1', '2027-01-04T10:00:00.000Z', 'the retention period ended');

        // Every payload of both meetings' histories is under the ring, still reads, and holds nothing of the case's people.
        const codec = new EncryptionCodec(ring, new PostgresDataKeyStore(database.db, ring));
        for (const workflowId of [meetingId, monthlyId]) {
          const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
          const payloads = writtenPayloads(history.events);
          expect(payloads.length).toBeGreaterThan(10);
          expect(new Set(payloads.map((p) => metadataText(p, METADATA_DATA_KEY) ?? 'ring'))).toEqual(new Set(['ring']));
          const decoded = (await codec.decode(payloads)).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
          expect(decoded).toContain('papers-1');
          // Nor of the other case's, which is not destroyed: a meeting holds no personal data at all.
          expect({ workflowId, leaked: leaked(decoded, [...secrets, ...personalDataOf(other, { surnames: false })]) }).toEqual({ workflowId, leaked: [] });
        }

        // `hrda meeting pack`, as ops run it, with the configuration naming this store.
        const config = parseConfig({ TEMPORAL_NAMESPACE: env.namespace ?? 'default', HRDA_TASK_QUEUE: taskQueue });
        const run = async (date: string, opts: Parameters<typeof meetingPack>[2]) => {
          const out: string[] = [];
          await meetingPack({ client: env.client, config, db: database.db, purpose: 'test', io: { out: (t) => void out.push(t), err: () => undefined, errIsTTY: false } }, date, opts);
          return out.join('\n');
        };
        for (const [date, opts] of [['2026-11-26', {}], ['2026-11-26', { minutes: true }], ['2026-12-23', { monthly: true }], ['2026-12-23', { monthly: true, minutes: true }]] as const) {
          const text = await run(date, opts);
          expect(text).toContain(`Case papers-1 — ${destroyedPlaceholder}`);
          expect(text).toMatch(/This text is NOT what was mailed: its digest differs, .*\(destroyed: papers-1\)/);
          expect({ date, opts, leaked: leaked(text, secrets) }).toEqual({ date, opts, leaked: [] });
        }
        const pack = JSON.parse(await run('2026-11-26', { json: true })) as { matchesMailed: boolean; cases: unknown[]; mailId: string; revision: number; html: string };
        expect(pack).toMatchObject({ matchesMailed: false, mailId: `${meetingId}:papers:r1`, revision: 1, cases: [{ caseId: 'papers-1', shown: 'destroyed' }, { caseId: 'papers-2', shown: 'in-full' }] });
        // The other case on the same papers is still shown in full.
        expect(pack.html).toContain('Alex Example');
        const html = await run('2026-11-26', { format: 'html' });
        expect(html).toContain('<p class="banner"><strong>Rendered on read, not the mailed copy.</strong>');
        // The agenda comes first; what was mailed and its digests are an appendix at the end.
        expect(html.indexOf('Case papers-1')).toBeLessThan(html.indexOf('Appendix: what was mailed'));
        expect(html.indexOf('SHA-256')).toBeGreaterThan(html.indexOf('Appendix: what was mailed'));

        // The destroyed case's ID is never used again: the typed client and `hrda case submit --case-id` refuse it, naming the field.
        await expect(new CaseClient(env.client, taskQueue, { dataKeys }).submitReferral(exampleReferral(), { caseId: 'papers-1' }))
          .rejects.toMatchObject({ name: 'CaseIdRetiredError', caseId: 'papers-1', destroyedAt: '2027-01-04T10:00:00.000Z', message: expect.stringMatching(/^case ID papers-1 belonged to a case whose personal data was destroyed on 2027-01-04T10:00:00.000Z \(the retention period ended\)/) });
        const file = path.join(outbox, 'referral.json');
        await writeFile(file, JSON.stringify(exampleReferral()));
        const io = { out: () => undefined, err: () => undefined, errIsTTY: false };
        await expect(submitCase({ client: env.client, config, db: database.db, io }, file, { caseId: 'papers-1' })).rejects.toThrow(/^--case-id: case ID papers-1 belonged to a case whose personal data was destroyed/);
      });
    } finally {
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    }
  }, 300_000);
});
