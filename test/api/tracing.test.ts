import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../support/bundle';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { startTracing, type Tracing } from '../../client/tracing/tracing';
import { tracingWorkflowInterceptorModule } from '../../client/tracing/worker-tracing';
import { exampleReferral } from '../support/referrals';
import { as, eventually, startApiHarness, type ApiHarness } from './harness';

/**
 * Issue 16 item 5: OpenTelemetry traces through the Temporal interceptors. An API request, the
 * workflow start or update it sends, the workflow's handling of it and the activities it runs are
 * one trace; no span attribute carries personal data. Spans are kept in memory by a real tracer
 * provider (InMemorySpanExporter is the OpenTelemetry SDK's own exporter for tests), behind the
 * service's redaction.
 */
let h: ApiHarness;
let tracing: Tracing;
const exported = new InMemorySpanExporter();

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'hrda-test', exporter: exported, immediate: true });
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, workflowInterceptorModules: [tracingWorkflowInterceptorModule] });
  h = await startApiHarness(bundle, { tracing });
});
afterAll(async () => {
  await h?.stop();
  await tracing?.shutdown();
});

const { receivedAt: _now, ...referral } = exampleReferral({
  victim: { name: `Alex Traced-${randomUUID().slice(0, 8)}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
});
const personalData = [
  referral.victim.name, referral.victim.dateOfBirth, referral.perpetrator.name, referral.perpetrator.dateOfBirth,
  referral.perpetrator.contact?.email, referral.perpetrator.contact?.phone, referral.referrer.name, referral.referrer.contact,
  ...(referral.children ?? []).flatMap((c) => [c.name, c.dateOfBirth]), referral.incident.summary,
].filter((v): v is string => Boolean(v));
const summary = { involvement: 'Known to housing since 2024.', risks: 'Perpetrator has a key.', actionsTaken: 'None yet.', recommendations: 'Change the locks.' };

const traceOf = (span: ReadableSpan) => exported.getFinishedSpans().filter((s) => s.spanContext().traceId === span.spanContext().traceId);
const named = (spans: ReadableSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));
const parentOf = (span: ReadableSpan) => span.parentSpanId;
/** Whether `ancestor` is on the way from `span` up to its trace's root (spans in between included). */
const descendsFrom = (span: ReadableSpan, ancestor: ReadableSpan) => {
  const byId = new Map(traceOf(span).map((s) => [s.spanContext().spanId, s]));
  for (let at: ReadableSpan | undefined = span; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) {
    if (at.parentSpanId === ancestor.spanContext().spanId) return true;
  }
  return false;
};

describe('a trace of an API request through Temporal', () => {
  let caseId: string;

  beforeAll(async () => {
    const created = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral });
    expect(created.statusCode, created.body).toBe(201);
    caseId = created.json<{ caseId: string }>().caseId;
    const progressed = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'housing'), payload: { agency: 'housing', summary } });
    expect(progressed.statusCode, progressed.body).toBe(200);
  });

  it('follows a referral from its request to the workflow start, the workflow and its activities', async () => {
    const request = exported.getFinishedSpans().find((s) => s.name === 'POST /cases')!;
    expect(request).toBeDefined();
    expect(parentOf(request)).toBeUndefined();
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/cases', 'http.response.status_code': 201 });
    // The workflow's own spans leave the sandbox through the worker's sink, once its task completes
    // (RunWorkflow ends only when the case closes: it is not exported yet).
    const spans = await eventually(async () => traceOf(request), (t) => ['HandleUpdate:ready', 'HandleUpdate:recordReferral', 'RunActivity:recordCase'].every((n) => named(t, n).length > 0));
    const names = spans.map((s) => s.name);
    // The API starts the case's workflow with its first update (update-with-start)…
    const start = named(spans, 'UpdateWithStartWorkflow:ready');
    expect(start, names.join(', ')).toHaveLength(1);
    expect(descendsFrom(start[0]!, request)).toBe(true);
    expect(start[0]!.attributes.temporalWorkflowId).toBeDefined();
    // …and in the same trace: the workflow handling it, the activities it scheduled and the worker ran,
    // and the case's other workflows (the subject's, the meeting's, retention) reached from there.
    expect(names).toEqual(expect.arrayContaining([
      'HandleUpdate:ready', 'StartActivity:recordCase', 'RunActivity:recordCase', 'RunActivity:registerWithSubject',
      'UpdateWithStartWorkflow:recordReferral', 'HandleUpdate:recordReferral',
    ]));
    // An activity's span is the child of the workflow's span that scheduled it.
    const run = named(spans, 'RunActivity:recordCase')[0]!;
    expect(named(spans, 'StartActivity:recordCase').map((s) => s.spanContext().spanId)).toContain(run.parentSpanId);
    // The subject's update was sent from inside the registerWithSubject activity.
    expect(descendsFrom(named(spans, 'HandleUpdate:recordReferral')[0]!, named(spans, 'RunActivity:registerWithSubject')[0]!)).toBe(true);
    expect(new Set(spans.map((s) => s.resource.attributes['service.name']))).toEqual(new Set(['hrda-test']));
  });

  it('follows an update from its request to the workflow\'s handling of it', async () => {
    const request = exported.getFinishedSpans().find((s) => s.name === 'POST /cases/:caseId/summaries')!;
    expect(request).toBeDefined();
    const spans = await eventually(async () => traceOf(request), (t) => named(t, 'HandleUpdate:').length > 0);
    const update = named(spans, 'UpdateWorkflow:')[0] ?? named(spans, 'StartWorkflowUpdate:')[0];
    expect(update, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(descendsFrom(update!, request)).toBe(true);
    expect(descendsFrom(named(spans, 'HandleUpdate:')[0]!, update!)).toBe(true);
    expect(update!.attributes.temporalWorkflowId).toBeDefined();
    const handled = named(spans, 'HandleUpdate:')[0]!;
    expect(handled.name).toBe('HandleUpdate:submitSummary');
  });

  it('carries no personal data in any span: names, attributes, events or status', () => {
    // What an interceptor or a later SDK might record: an attribute off the allow-list, an exception quoting input.
    const leaky = tracing.tracer.startSpan('leaky');
    leaky.setAttribute('temporalTerminateReason', `closed for ${referral.victim.name}`);
    leaky.recordException(new Error(`refused for ${referral.victim.name}`));
    leaky.setStatus({ code: 2, message: referral.victim.dateOfBirth });
    leaky.end();
    const kept = exported.getFinishedSpans().find((s) => s.name === 'leaky')!;
    expect(kept.attributes).toEqual({});
    expect(kept.events.map((e) => e.attributes)).toEqual([{ 'exception.type': 'Error' }]);
    expect(kept.status).toEqual({ code: 2 });
    const spans = exported.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(5);
    const text = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, links: s.links })));
    for (const value of personalData) expect(text).not.toContain(value);
    const allowed = new Set(['temporalWorkflowId', 'temporalRunId', 'temporalUpdateId', 'temporalActivityId', 'http.request.method', 'http.route', 'http.response.status_code']);
    for (const s of spans) for (const key of Object.keys(s.attributes)) expect(allowed, `${key} on ${s.name}`).toContain(key);
  });

  it('leaves histories a worker without tracing replays (tracing turned off again, `hrda audit replay`)', async () => {
    const workflowId = caseWorkflowId(caseId);
    const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
    const untraced = await bundleWorkflows();
    await expect(Worker.runReplayHistory({ workflowBundle: untraced, dataConverter: h.temporal.options.loadedDataConverter }, history, workflowId)).resolves.toBeUndefined();
  });
});
