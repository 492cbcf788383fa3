import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { PoliceSystems } from '../../activities/police-systems.port';
import { caseUpdates, caseWorkflowId } from '../../workflows/referral.messages';
import { dataKeyStoreFor, EncryptionCodec, KeyRing } from '../../worker/codec';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { as, eventually, startApiHarness, type ApiHarness } from '../api/harness';
import { distinctiveReferral, failureMessages, fieldsText, leaked, payloadEncodings, personalDataOf, rawNamespaceText } from './personal-data';

/**
 * The acceptance test: a case run by a real worker with the codec on a real dev server,
 * then everything the server holds read back raw, without the codec, and searched for the
 * referral's personal data — including a refused update and a failed activity's messages.
 */
const marker = `niche-outage-${randomUUID()}`;
/** Niche fails for good, with a message that the history must not show; the other systems answer. */
const failingNiche: PoliceSystems = {
  async search(system) {
    if (system === 'niche') throw ApplicationFailure.nonRetryable(`${marker}: the search service answered 503`, 'NicheUnavailable');
    return [];
  },
};

const referral = distinctiveReferral();
const secrets = personalDataOf(referral);
const EventType = proto.temporal.api.enums.v1.EventType;

let h: ApiHarness;
let raw: Client;
let caseId: string;
let refusal: string;

beforeAll(async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  h = await startApiHarness(bundle, { police: failingNiche });
  // The same connection, with no data converter: it sees what the server stores.
  raw = new Client({ connection: h.temporal.connection, namespace: h.server.namespace });

  const submitted = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral });
  expect(submitted.statusCode, submitted.body).toBe(201);
  caseId = submitted.json<{ caseId: string }>().caseId;

  const summary = { involvement: 'Council tenant at Harbour Row.', risks: 'Perpetrator has keys.', actionsTaken: 'None yet.', recommendations: 'Change the locks.' };
  const progressed = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'housing'), payload: { agency: 'housing', summary } });
  expect(progressed.statusCode, progressed.body).toBe(200);

  const refused = await h.app.inject({
    method: 'POST', url: `/cases/${caseId}/meeting-outcome`, headers: as('administrator', 'police'),
    payload: { outcome: { risks: ['Strangulation'], actions: [], rationale: 'Too early.' } },
  });
  expect(refused.statusCode, refused.body).toBe(409);
  refusal = refused.json<{ detail: string }>().detail;

  // The police checks run after routing: wait for Niche's failure to reach the history.
  await eventually(() => raw.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory(), (history) =>
    (history.events ?? []).some((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED));
});
afterAll(async () => {
  await h?.stop();
});

describe('what the Temporal server stores', () => {
  it('holds no name, date of birth, address or other personal data of the referral, in any workflow of the namespace', async () => {
    const stored = await rawNamespaceText(raw, h.server.namespace);
    expect(stored.workflowIds).toContain(caseWorkflowId(caseId));
    expect(stored.workflowIds.length).toBeGreaterThan(1); // the subject entity too
    expect(leaked(stored.text, secrets)).toEqual([]);
    const encodings = [...stored.histories.values()].flatMap((events) => payloadEncodings(events));
    expect(encodings.length).toBeGreaterThan(10);
    expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
    const failures = [...stored.histories.values()].flatMap((events) => failureMessages(events));
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures)).toEqual(new Set(['Encoded failure']));

    // The data is there, encrypted: the case's input decrypts to the referral.
    const events = [...stored.histories].find(([key]) => key.startsWith(`${caseWorkflowId(caseId)}/`))![1];
    const input = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const [decrypted] = await new EncryptionCodec(KeyRing.fromConfig(h.config), dataKeyStoreFor(h.database.db, h.config)).decode(input);
    expect(JSON.stringify(defaultPayloadConverter.fromPayload(decrypted!))).toContain(referral.victim.name);
  });

  it('stores a failed activity\'s message and stack trace encoded, readable only through the codec', async () => {
    const history = await raw.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const failed = (history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED);
    expect(failed.length).toBeGreaterThan(0);
    const failure = failed[0]!.activityTaskFailedEventAttributes!.failure!;
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(fieldsText(history)).not.toContain(marker);
    expect(Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()).toString('latin1')).not.toContain(marker);

    // The client with the codec reads it back whole.
    const [attributes] = await new EncryptionCodec(KeyRing.fromConfig(h.config), dataKeyStoreFor(h.database.db, h.config)).decode([failure.encodedAttributes!]);
    expect((defaultPayloadConverter.fromPayload(attributes!) as { message: string }).message).toContain(marker);
  });

  it('refuses an update with its reason encoded on the wire, and the API still states the reason', async () => {
    expect(refusal).toMatch(/^recordMeetingOutcome refused: /);
    const codec = new EncryptionCodec(KeyRing.fromConfig(h.config), dataKeyStoreFor(h.database.db, h.config));
    const args = await codec.encode([defaultPayloadConverter.toPayload({
      outcome: { risks: ['Strangulation'], actions: [], rationale: 'Too early.' },
      actor: { role: 'administrator', agency: 'police', name: 'protection-test' },
    })]);
    const answer = await raw.workflowService.updateWorkflowExecution({
      namespace: h.server.namespace,
      workflowExecution: { workflowId: caseWorkflowId(caseId) },
      request: { meta: { updateId: randomUUID(), identity: 'protection-test' }, input: { name: caseUpdates.recordMeetingOutcome.name, args: { payloads: args } } },
      waitPolicy: { lifecycleStage: proto.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
    });
    const failure = answer.outcome?.failure;
    expect(failure?.message).toBe('Encoded failure');
    expect(failure?.applicationFailureInfo?.type).toBe('Refused');
    const text = Buffer.from(proto.temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse.encode(answer).finish()).toString('latin1');
    expect(text).not.toContain('refused:');
    const [attributes] = await codec.decode([failure!.encodedAttributes!]);
    expect((defaultPayloadConverter.fromPayload(attributes!) as { message: string }).message).toBe(refusal);
  });

  it('keeps search attributes to opaque values (they are not encrypted)', async () => {
    const described = await raw.workflowService.describeWorkflowExecution({ namespace: h.server.namespace, execution: { workflowId: caseWorkflowId(caseId) } });
    const fields = described.workflowExecutionInfo?.searchAttributes?.indexedFields ?? {};
    expect(Object.keys(fields).filter((k) => k.startsWith('Hrda')).length).toBeGreaterThan(0);
    const values = Object.fromEntries(Object.entries(fields).map(([k, p]) => [k, defaultPayloadConverter.fromPayload(p)]));
    expect(leaked(JSON.stringify(values), secrets)).toEqual([]);
    expect(described.workflowExecutionInfo?.memo?.fields ?? {}).toEqual({});
  });
});
