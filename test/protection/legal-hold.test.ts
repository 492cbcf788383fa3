import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { subjectKey } from '../../activities/subject-registry';
import { readCaseRecord } from '../../client/case-record';
import { CaseClient } from '../../client/cases';
import { liftHold, placeHold } from '../../client/holds/legal-hold';
import { registerSearchAttributes } from '../../client/search-attributes';
import { destroyedReason, HoldRefusedError, legalHoldGuard, LegalHolds } from '../../store/holds/legal-holds';
import { createDataConverter, developmentKeyRing, EncryptionCodec, KeyRing, PostgresDataKeyStore } from '../../worker/codec';
import { heldByQuery, retainUntilQuery, retentionWorkflowId } from '../../workflows/retention.workflow';
import { bundleWorkflows } from '../support/bundle';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exampleReferral } from '../support/referrals';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const admin = { role: 'administrator', agency: 'police', name: 'staff-0042' } as const;

describe('legal holds in the store', () => {
  it('a hold and the destruction of the keys never both succeed, however they interleave', async () => {
    const ring = new KeyRing([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
    const store = new PostgresDataKeyStore(database.db, ring);
    const holds = new LegalHolds(database.db, new EncryptionCodec(ring, store));
    const outcomes = { held: 0, destroyed: 0 };
    for (let i = 0; i < 24; i++) {
      const caseId = `race-${i}`;
      const subject = `subject${i}`;
      await store.current(`case:${caseId}`);
      await store.current(`subject:${subject}`);
      // Started in either order, at once: the hold's transaction and the destruction's take the same locks.
      const place = () => holds.place({ caseId, subjectKey: subject, at: '2032-11-24T09:59:59.000Z', by: admin, reason: 'Domestic homicide review' });
      const destroy = () => store.destroyAll([`case:${caseId}`, `subject:${subject}`], '2032-11-24T10:00:00.000Z', 'the retention period ended', legalHoldGuard(subject, [caseId]));
      let placed: PromiseSettledResult<Awaited<ReturnType<typeof place>>>;
      let destroyed: PromiseSettledResult<Awaited<ReturnType<typeof destroy>>>;
      if (i % 2) [placed, destroyed] = await Promise.allSettled([place(), destroy()]);
      else [destroyed, placed] = await Promise.allSettled([destroy(), place()]);
      if (destroyed.status !== 'fulfilled') throw destroyed.reason;
      const key = await new PostgresDataKeyStore(database.db, ring).status(`case:${caseId}`);
      if (placed.status === 'fulfilled') {
        outcomes.held++;
        expect(destroyed.value).toEqual({ destroyed: [], blockedBy: [`hold ${placed.value.holdId} on case ${caseId}`] });
        expect(key).toMatchObject({ state: 'live' });
      } else {
        outcomes.destroyed++;
        expect(placed.reason).toBeInstanceOf(HoldRefusedError);
        expect(placed.reason).toMatchObject({ refusal: 'destroyed' });
        expect(destroyed.value.destroyed.map((d) => d.scope)).toEqual([`case:${caseId}`, `subject:${subject}`]);
        expect(key).toMatchObject({ state: 'destroyed' });
        expect(await holds.ofCase(caseId)).toEqual([]);
      }
    }
    expect(outcomes.held + outcomes.destroyed).toBe(24);
  });

  it('keeps one hold in place per case, seals its reason under the case key and lifts it with who and why', async () => {
    const ring = new KeyRing([{ id: 'k1', key: Buffer.alloc(32, 8) }]);
    const store = new PostgresDataKeyStore(database.db, ring);
    const holds = new LegalHolds(database.db, new EncryptionCodec(ring, store));
    const placed = await holds.place({ caseId: 'h-1', subjectKey: 'subj-h', at: '2030-01-02T10:00:00.000Z', by: admin, reason: 'DHR into the death of Morwenna Tregarthen' });
    await expect(holds.place({ caseId: 'h-1', subjectKey: 'subj-h', at: '2030-01-03T10:00:00.000Z', by: admin, reason: 'again' })).rejects.toMatchObject({ refusal: 'already-held' });
    // The reason is not in the table in clear.
    const { rows: [row] } = await database.db.query<{ reason: unknown }>("SELECT reason FROM legal_holds WHERE case_id = 'h-1'");
    expect(JSON.stringify(row!.reason)).not.toContain('Tregarthen');
    expect(await holds.inPlace('h-1')).toMatchObject({ holdId: placed.holdId, reason: 'DHR into the death of Morwenna Tregarthen', placedBy: admin });
    const lifted = await holds.lift({ caseId: 'h-1', at: '2031-05-01T10:00:00.000Z', by: { role: 'administrator', name: 'staff-0007' }, reason: 'The review reported.' });
    expect(lifted.lifted).toEqual({ at: '2031-05-01T10:00:00.000Z', by: { role: 'administrator', name: 'staff-0007' }, reason: 'The review reported.' });
    await expect(holds.lift({ caseId: 'h-1', at: '2031-05-02T10:00:00.000Z', by: admin, reason: 'again' })).rejects.toMatchObject({ refusal: 'not-held' });
    expect(await holds.inPlace('h-1')).toBeUndefined();
    // Once the case's key is destroyed, the reasons go with it.
    await store.destroy('case:h-1', '2031-06-01T10:00:00.000Z', 'the retention period ended');
    expect((await holds.ofCase('h-1')).map((h) => [h.reason, h.lifted?.reason])).toEqual([[destroyedReason, destroyedReason]]);
  });
});

describe('a legal hold against the retention clock, on the time-skipping server', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
  });

  it('a hold placed a second before the retention timer fires keeps every key past the period; lifted, the keys go at once', async () => {
    const ring = developmentKeyRing();
    const dataKeys = new PostgresDataKeyStore(database.db, ring);
    const dataConverter = createDataConverter(ring, dataKeys);
    process.env.HRDA_TEST_SERVER_START_TIME = '2026-11-24T08:00:00Z';
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') } }, client: { dataConverter } });
    delete process.env.HRDA_TEST_SERVER_START_TIME;
    const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-hold-'));
    try {
      await registerSearchAttributes(env.connection, env.namespace ?? 'default');
      const taskQueue = 'hrda-hold';
      const subjectSecret = 'test-subject-key-0123456789';
      const worker = await Worker.create({
        connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter,
        activities: createActivities({ client: env.client, taskQueue, subjectSecret, mail: new OutboxMail(outbox), police: new LocalPoliceSystems(), dataKeys }),
      });
      await worker.runUntil(async () => {
        const skipTo = async (at: string) => env.sleep(Math.max(0, Date.parse(at) - (await env.currentTimeMs())));
        const holds = new LegalHolds(database.db, new EncryptionCodec(ring, dataKeys));
        const cases = new CaseClient(env.client, taskQueue, { dataKeys, holds });
        // Each hold is dated by the server's (skipped) clock.
        const deps = async () => {
          const at = new Date(await env.currentTimeMs());
          return { temporal: env.client, cases, holds, subjectSecret, now: () => at };
        };

        await skipTo('2026-11-24T10:00:00Z');
        const receivedAt = '2026-11-24T10:00:00Z';
        const { case: view } = await cases.submitReferral(exampleReferral({ receivedAt }), { caseId: 'held-1', now: new Date(receivedAt) });
        await skipTo(new Date(Date.parse(view.meetingAt!) + 30 * 60_000).toISOString());
        await cases.command('held-1', 'recordMeetingOutcome', { outcome: { risks: ['Strangulation'], actions: [], leads: {}, rationale: 'Heard.' } }, admin);
        expect((await cases.state('held-1')).stage).toBe('closed');

        const retention = env.client.workflow.getHandle(retentionWorkflowId(subjectKey(subjectSecret, { name: 'Alex Example', dateOfBirth: '1990-04-01' })));
        expect(await retention.query(retainUntilQuery)).toBe('2032-11-24T10:00:00.000Z');

        // One second before the retention timer fires, an administrator places a hold.
        await skipTo('2032-11-24T09:59:59Z');
        const hold = await placeHold(await deps(), 'held-1', admin, 'Domestic homicide review commissioned by the community safety partnership');
        expect(hold).toMatchObject({ caseId: 'held-1', placedAt: expect.stringMatching(/^2032-11-24T09:59:59\./), placedBy: admin });

        // The period passes, and months of the retention's thirty-day looks: nothing is destroyed.
        await skipTo('2033-03-01T10:00:00Z');
        expect(await dataKeys.status('case:held-1')).toMatchObject({ state: 'live' });
        expect(await retention.query(heldByQuery)).toEqual([`hold ${hold.holdId} on case held-1`]);
        expect((await retention.describe()).status.name).toBe('RUNNING');
        // The case still decodes: its state, its record and its timeline, which shows the hold with who and why.
        expect((await cases.state('held-1')).referral.victim.name).toBe('Alex Example');
        expect((await readCaseRecord(cases, new PostgresDataKeyStore(database.db, ring), 'held-1')).personalData).toBe('present');
        const timeline = await cases.timeline('held-1');
        expect(timeline.at(-1)).toEqual({ at: hold.placedAt, type: 'hold.placed', caseId: 'held-1', actor: admin, data: { holdId: hold.holdId }, rationale: 'Domestic homicide review commissioned by the community safety partnership' });
        expect(timeline.findIndex((e) => e.type === 'hold.placed')).toBeGreaterThan(timeline.findIndex((e) => e.type === 'case.closed'));

        // Lifted: the retention destroys at its next opportunity, which is at once.
        const lifted = await liftHold(await deps(), 'held-1', { role: 'administrator', name: 'staff-0007' }, 'The review has reported.');
        expect(lifted.lifted).toMatchObject({ at: expect.stringMatching(/^2033-03-01T10:00/), reason: 'The review has reported.' });
        await env.sleep(60_000);
        await retention.result();
        const record = await readCaseRecord(cases, new PostgresDataKeyStore(database.db, ring), 'held-1');
        if (record.personalData !== 'destroyed') throw new Error('held-1 should have been destroyed once the hold was lifted');
        expect(record.destroyedAt.slice(0, 10)).toBe('2033-03-01');
        // Too late for a hold now.
        await expect(placeHold(await deps(), 'held-1', admin, 'Another review')).rejects.toMatchObject({ refusal: 'destroyed' });
      });
    } finally {
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    }
  }, 240_000);
});
