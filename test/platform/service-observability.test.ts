import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startService } from '../../app/service';
import { freePort } from '../../scripts/dev-server';
import { createTestDatabase } from '../support/database';
import { signTestToken, testClaims, testIdentityEnv } from '../support/identity';
import { exampleReferral } from '../support/referrals';
import { startTestDevServer } from '../support/servers';

/**
 * Issue 16 item 5, as `hrda start` wires it: with HRDA_WORKER_METRICS_ADDRESS, HRDA_API_METRICS_ADDRESS
 * and HRDA_OTEL_EXPORTER_OTLP_ENDPOINT set, the worker's SDK metrics and the API's metrics are served
 * on their own ports, and traces reach an OTLP/HTTP collector — here a plain HTTP server that keeps
 * what it is sent (the OTLP/HTTP exporter sends JSON).
 */
interface OtlpSpan { name: string; traceId: string; attributes?: { key: string }[] }

function startCollector(): Promise<{ server: Server; url: string; spans: OtlpSpan[]; bodies: string[] }> {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        bodies.push(body);
        const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, bodies })));
}

const until = async (ok: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
};

it('`hrda start` serves worker and API metrics on their own ports and exports traces to the collector', { timeout: 180_000 }, async () => {
  const [server, database, collector] = await Promise.all([startTestDevServer(), createTestDatabase(), startCollector()]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-observability-'));
  const [apiPort, workerMetricsPort, apiMetricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const logged: string[] = [];
  const service = await startService({
    env: {
      ...testIdentityEnv,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      HRDA_TASK_QUEUE: `observability-${randomUUID()}`,
      HRDA_DATABASE_URL: database.url,
      HRDA_API_PORT: String(apiPort),
      HRDA_OUTBOX_DIR: path.join(dir, 'outbox'),
      HRDA_LOG_LEVEL: 'silent',
      HRDA_WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
      HRDA_API_METRICS_ADDRESS: `127.0.0.1:${apiMetricsPort}`,
      HRDA_OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    },
    log: (line) => logged.push(line),
    development: true,
  });
  try {
    expect(logged).toEqual(expect.arrayContaining([
      `Worker metrics (Prometheus) on http://127.0.0.1:${workerMetricsPort}/metrics`,
      `API metrics (Prometheus) on http://127.0.0.1:${apiMetricsPort}/metrics`,
      `Traces (OpenTelemetry) exported to ${collector.url}`,
    ]));
    const { receivedAt: _now, ...referral } = exampleReferral({ victim: { name: `Alex Observed-${randomUUID().slice(0, 8)}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } } });
    const created = await fetch(`${service.apiUrl}/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${signTestToken(testClaims('administrator', 'police'))}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(referral),
    });
    expect(created.status).toBe(201);

    // Spans leave in batches (every 5 s): the request's and the activities the worker ran, in one trace.
    expect(await until(() => collector.spans.some((s) => s.name === 'RunActivity:recordCase') && collector.spans.some((s) => s.name === 'POST /cases'))).toBe(true);
    const request = collector.spans.find((s) => s.name === 'POST /cases')!;
    const trace = collector.spans.filter((s) => s.traceId === request.traceId).map((s) => s.name);
    expect(trace).toEqual(expect.arrayContaining(['POST /cases', 'UpdateWithStartWorkflow:ready', 'HandleUpdate:ready', 'RunActivity:recordCase']));
    for (const value of [referral.victim.name, referral.perpetrator.name, referral.victim.dateOfBirth]) expect(collector.bodies.join('\n')).not.toContain(value);

    const worker = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
    expect(worker).toMatch(/^temporal_workflow_task_schedule_to_start_latency_seconds_count\{.*\} [1-9]/m);
    const api = await (await fetch(`http://127.0.0.1:${apiMetricsPort}/metrics`)).text();
    expect(api).toMatch(/^hrda_http_requests_total\{method="POST",route="\/cases",status="201"\} 1$/m);
    // Not on the API's own port.
    expect((await fetch(`${service.apiUrl}/metrics`)).status).toBe(404);
  } finally {
    await service.stop();
    await server.cleanup();
    await database.drop();
    collector.server.close();
    await rm(dir, { recursive: true, force: true });
  }
  // Stopped with the service.
  await expect(fetch(`http://127.0.0.1:${apiMetricsPort}/metrics`)).rejects.toThrow();
});
