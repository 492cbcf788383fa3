import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { createMeetingWorkflowActivities } from '../../activities/meeting-activities';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { ensureMeetingSchedules, meetingScheduleId } from '../../client/meetings';
import { meetingWorkflowId } from '../../domain/agenda';
import { addDays, localDate } from '../../domain/calendar';
import { dorsetHrda as profile } from '../../domain/profiles/dorset-hrda';
import { meetingsBetween } from '../../machines/meeting';
import { bundleMeetingWorkflows } from '../support/meeting-simulation';
import { startTestDevServer, type TestDevServer } from '../support/servers';

describe('meeting workflows exist ahead of time (a Temporal Schedule per profile, on the dev server)', () => {
  let server: TestDevServer;
  let bundle: WorkflowBundleWithSourceMap;
  let outbox: string;
  beforeAll(async () => {
    [server, bundle, outbox] = await Promise.all([startTestDevServer(), bundleMeetingWorkflows(), mkdtemp(path.join(os.tmpdir(), 'hrda-schedule-'))]);
  });
  afterAll(async () => {
    await server?.cleanup();
    if (outbox) await rm(outbox, { recursive: true, force: true });
  });

  it('creates the planner schedule once, and its first run starts the coming days’ meetings by their IDs', async () => {
    const connection = await Connection.connect({ address: server.address });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    const taskQueue = 'hrda-meetings';
    const deps = { client, taskQueue, subjectSecret: 'k', mail: new OutboxMail(outbox), police: new LocalPoliceSystems() };
    const worker = await Worker.create({
      connection: nativeConnection, namespace: server.namespace, taskQueue, workflowBundle: bundle,
      activities: { ...createActivities(deps), ...createMeetingWorkflowActivities(deps) },
    });
    try {
      await worker.runUntil(async () => {
        expect(await ensureMeetingSchedules(client, profile, taskQueue, { days: 7 })).toEqual({ scheduleId: 'hrda-meeting-planner-dorset-hrda', created: true });
        expect(await ensureMeetingSchedules(client, profile, taskQueue, { days: 7, at: '05:30' })).toEqual({ scheduleId: 'hrda-meeting-planner-dorset-hrda', created: false });

        const described = await client.schedule.getHandle(meetingScheduleId(profile.id)).describe();
        expect(described.spec.timezone).toBe('Europe/London');
        expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 5, end: 5, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
        expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'meetingPlannerWorkflow', args: [{ profileId: 'dorset-hrda', days: 7 }], taskQueue });

        const now = new Date().toISOString();
        const today = localDate(now);
        const expected = meetingsBetween(profile, today, addDays(today, 6)).filter((m) => m.endsAt > now).map((m) => meetingWorkflowId(profile.id, m.kind, m.date));
        expect(expected.length).toBeGreaterThan(0);
        // The schedule's first run was triggered on creation: wait for the planner to have started them.
        const started = async () => {
          for (const id of expected) {
            try {
              await client.workflow.getHandle(id).describe();
            } catch {
              return false;
            }
          }
          return true;
        };
        for (let i = 0; i < 150 && !(await started()); i++) await new Promise((r) => setTimeout(r, 200));
        for (const id of expected) {
          const d = await client.workflow.getHandle(id).describe();
          expect(d.type).toMatch(/^(daily|monthly)MeetingWorkflow$/);
          expect(d.searchAttributes.HrdaProfile).toEqual(['dorset-hrda']);
        }
      });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
