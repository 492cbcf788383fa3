import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
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
import { placeHold } from '../../client/holds/legal-hold';
import { auditDhrPack } from '../../client/cli/commands/audit';
import { releaseCase } from '../../client/cli/commands/hold';
import { parseConfig } from '../../domain/config';
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
        // Another victim's case on the same meeting: none of it may reach the review's pack.
        const otherAt = '2026-11-24T10:30:00Z';
        await skipTo(otherAt);
        await cases.submitReferral(exampleReferral({ receivedAt: otherAt, victim: { name: 'Zelda Quartermaine', dateOfBirth: '1985-02-03', consent: { share: true, contact: true } } }), { caseId: 'other-1', now: new Date(otherAt) });
        await skipTo(new Date(Date.parse(view.meetingAt!) + 30 * 60_000).toISOString());
        await cases.command('held-1', 'recordMeetingOutcome', { outcome: { risks: ['Strangulation'], actions: [], leads: {}, rationale: 'Heard.' } }, admin);
        await cases.command('other-1', 'recordMeetingOutcome', { outcome: { risks: ['Stalking'], actions: [], leads: {}, rationale: 'Heard.' } }, admin);
        expect((await cases.state('held-1')).stage).toBe('closed');

        const retention = env.client.workflow.getHandle(retentionWorkflowId(subjectKey(subjectSecret, { name: 'Alex Example', dateOfBirth: '1990-04-01' })));
        expect(await retention.query(retainUntilQuery)).toBe('2032-11-24T10:00:00.000Z');

        // One second before the retention timer fires, an administrator places a hold.
        await skipTo('2032-11-24T09:59:59Z');
        const hold = await placeHold(await deps(), 'held-1', admin, 'Domestic homicide review commissioned by the community safety partnership');
        expect(hold).toMatchObject({ caseId: 'held-1', placedAt: expect.stringMatching(/^2032-11-24T09:59:59\./), placedBy: admin });

        // The review panel's pack, while the other case on its meeting still has its data.
        const config = parseConfig({ TEMPORAL_NAMESPACE: env.namespace ?? 'default', HRDA_TASK_QUEUE: taskQueue, HRDA_SUBJECT_KEY: subjectSecret });
        const out: string[] = [];
        const ctx = { client: env.client, config, db: database.db, purpose: 'DHR panel: chronology', io: { out: (t: string) => void out.push(t), err: () => undefined, errIsTTY: false } };
        const packDir = path.join(outbox, 'dhr');
        await auditDhrPack(ctx, 'held-1', { out: packDir });
        expect(out.join('\n')).toMatch(/Domestic homicide review pack for case held-1/);
        expect((await stat(packDir)).mode & 0o777).toBe(0o700);
        const names = (await readdir(packDir)).sort();
        expect(names).toEqual(expect.arrayContaining(['access-log.json', 'case.json', 'dhr-pack.html', 'holds.json', 'manifest.json', 'matrices.json', 'meetings.json', 'timeline.json', 'meeting-daily-2026-11-26-pack.html', 'meeting-daily-2026-11-26-minutes.html']));
        for (const name of names) expect({ name, mode: (await stat(path.join(packDir, name))).mode & 0o777 }).toEqual({ name, mode: 0o600 });
        const read = async (name: string) => readFile(path.join(packDir, name), 'utf8');
        const everything = (await Promise.all(names.map(read))).join('\n');
        expect(everything).toContain('Alex Example');
        expect(everything).not.toContain('Quartermaine');
        expect(everything).not.toContain('other-1');
        const packTimeline = JSON.parse(await read('timeline.json')) as { type: string }[];
        expect(packTimeline.map((e) => e.type)).toEqual(expect.arrayContaining(['referral.received', 'meeting.heard', 'matrix.recorded', 'hold.placed']));
        const packMeetings = JSON.parse(await read('meetings.json')) as { kind: string; date: string; heard: boolean; pack: { markdown: string } | null; minutes: object | null }[];
        expect(packMeetings).toEqual([expect.objectContaining({ kind: 'daily', date: '2026-11-26', heard: true, pack: expect.objectContaining({ markdown: expect.stringContaining('Alex Example') }), minutes: expect.any(Object) })]);
        expect(JSON.parse(await read('matrices.json'))).toMatchObject({ current: { risks: ['Strangulation'] }, recorded: [expect.objectContaining({ type: 'matrix.recorded' })] });
        // Its own read is in the access log it exports, with the purpose.
        expect(JSON.parse(await read('access-log.json'))).toEqual(expect.arrayContaining([expect.objectContaining({ route: 'hrda audit dhr-pack', purpose: 'DHR panel: chronology', action: 'read' })]));
        const html = await read('dhr-pack.html');
        expect(html).toContain('Legal hold placed (personal data kept past its retention)');
        expect(html).toMatch(/Thu 26 Nov 2026, \d\d:\d\d \(GMT, \+00:00\)/);
        expect(html).toContain('Domestic homicide review commissioned by the community safety partnership');
        const manifest = JSON.parse(await read('manifest.json')) as { files: { name: string; sha256: string }[] };
        for (const f of manifest.files) expect(createHash('sha256').update(await read(f.name)).digest('hex')).toBe(f.sha256);

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

        // Lifted (by `hrda case release`): the retention destroys at its next opportunity, which is at once.
        await expect(releaseCase(ctx, 'held-1', { reason: '' })).rejects.toThrow(/--reason/);
        out.length = 0;
        await releaseCase(ctx, 'held-1', { reason: 'The review has reported.', json: true });
        expect(JSON.parse(out.join(''))).toMatchObject({ holdId: hold.holdId, lifted: { by: { role: 'administrator', name: expect.stringMatching(/^cli:/) }, reason: 'The review has reported.' } });
        await env.sleep(60_000);
        await retention.result();
        const record = await readCaseRecord(cases, new PostgresDataKeyStore(database.db, ring), 'held-1');
        if (record.personalData !== 'destroyed') throw new Error('held-1 should have been destroyed once the hold was lifted');
        expect(record.destroyedAt.slice(0, 10)).toBe('2033-03-01');
        await expect(releaseCase(ctx, 'held-1', { reason: 'again' })).rejects.toThrow(/no legal hold in place/);
        // Too late for a hold now.
        await expect(placeHold(await deps(), 'held-1', admin, 'Another review')).rejects.toMatchObject({ refusal: 'destroyed' });
      });
    } finally {
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    }
  }, 240_000);
});
