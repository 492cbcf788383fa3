import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { run } from '../../scripts/run';
import { temporalServerProvisioned } from '../../scripts/temporal-server';
import { apiToken, issuerFor, temporalAudience } from '../../scripts/topology/identity';
import { topologyLayout } from '../../scripts/topology/layout';
import { topologyUp, type RunningTopology } from '../../scripts/topology/topology';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { exampleReferral } from '../support/referrals';

/**
 * The production-shaped topology (deploy/, `hrda topology up`) on a base port and folder of its own:
 * only the service's identity writes to the namespace; ops staff read, and the Temporal server itself
 * refuses their writes, as it refuses a caller with no token or a token it did not issue.
 *
 * Runs only where the Temporal server is provisioned (`npm run provision:topology`, a Go build of
 * minutes that CI does not do): elsewhere it is skipped and says so (docs/deployment.md#tests).
 */
const provisioned = temporalServerProvisioned();
if (!provisioned) console.warn('test/topology skipped: the Temporal server is not built (npm run provision:topology)');

let topology: RunningTopology;
let folder: string;
let caseId: string;
const cli = () => inject('temporalCli');

/** Runs the CLI against the frontend with mTLS, as `who` (a token, or none); resolves to its output or the refusal. */
async function temporalAs(who: string | undefined, args: string[]): Promise<{ ok: boolean; output: string }> {
  const connection = await topology.cliConnection('ops');
  const env = { ...connection.env };
  if (who === undefined) delete env.TEMPORAL_API_KEY;
  else env.TEMPORAL_API_KEY = who;
  try {
    return { ok: true, output: await run(cli(), [...args, ...connection.args, '--namespace', topology.namespace], { env }) };
  } catch (err) {
    return { ok: false, output: (err as Error).message };
  }
}

const token = async (who: 'service' | 'ops') => {
  const connection = await topology.cliConnection(who);
  return connection.env!.TEMPORAL_API_KEY!;
};

beforeAll(async () => {
  if (!provisioned) return;
  folder = await mkdtemp(path.join(os.tmpdir(), 'hrda-topology-'));
  // As root PostgreSQL runs as `nobody`, which must pass through to its cluster's folder.
  await chmod(folder, 0o711);
  // Below 32768: Temporal keeps membership ports in a smallint column (scripts/topology/layout.ts).
  // A range of its own (below 32768; the other topology test file takes 25000–31000), so the two never share ports.
  const basePort = 18_000 + Math.floor(Math.random() * 7) * 1000;
  topology = await topologyUp({ layout: topologyLayout({ basePort, dir: path.join(folder, 'topology') }), log: () => {} });
}, 400_000);

afterAll(async () => {
  await topology?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
}, 120_000);

describe.skipIf(!provisioned)('the topology: only the service writes', () => {
  it('takes a referral through one API process and shows it through the other', async () => {
    const admin = await apiToken(topology.layout, { sub: 'topology-admin', role: 'administrator', agency: 'police' });
    const submitted = await fetch(`${topology.apiUrls[0]}/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(exampleReferral()),
    });
    expect(submitted.status).toBe(201);
    caseId = ((await submitted.json()) as { caseId: string }).caseId;
    const shown = await fetch(`${topology.apiUrls[1]}/cases/${caseId}`, { headers: { authorization: `Bearer ${admin}`, 'x-purpose': 'topology test' } });
    expect(shown.status).toBe(200);
  });

  it('lets ops staff read the case workflow and refuses their update, signal and termination', async () => {
    const ops = await token('ops');
    const workflowId = caseWorkflowId(caseId);
    const updatesAccepted = async () => {
      const history = await temporalAs(ops, ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json']);
      expect(history.ok).toBe(true);
      expect(history.output).toContain('WORKFLOW_EXECUTION_STARTED');
      expect(history.output).not.toMatch(/EXECUTION_TERMINATED/);
      // Only what the probe below would send: the case's own signals (its meetings rolling it over) keep coming meanwhile.
      const events = (JSON.parse(history.output) as { events: { workflowExecutionSignaledEventAttributes?: { signalName?: string } }[] }).events;
      const probes = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'opsProbe').length;
      return `${history.output.match(/UPDATE_ACCEPTED/g)?.length ?? 0} updates, ${probes} probe signals`;
    };
    const before = await updatesAccepted();
    const described = await temporalAs(ops, ['workflow', 'describe', '--workflow-id', workflowId]);
    expect(described.output).toContain(workflowId);
    expect(described.ok).toBe(true);

    for (const write of [
      ['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'ready'],
      // A signal of its own name, so that the count above tells it from the case's own signals: the
      // server refuses a signal from ops whatever its name, before any workflow sees it.
      ['workflow', 'signal', '--workflow-id', workflowId, '--name', 'opsProbe', '--input', '{}'],
      ['workflow', 'terminate', '--workflow-id', workflowId, '--reason', 'probe'],
    ]) {
      const refused = await temporalAs(ops, write);
      expect(refused.ok, write.join(' ')).toBe(false);
      expect(refused.output, write.join(' ')).toMatch(/Request unauthorized/);
    }
    // Nothing reached the case: its history holds no new update, no such signal, no termination.
    expect(await updatesAccepted()).toBe(before);
  });

  it('lets the service\'s identity write where ops staff may not', async () => {
    // A probe on a task queue no worker polls: started and terminated, the writes ops staff are refused.
    const workflowId = `probe-${randomUUID()}`;
    const start = ['workflow', 'start', '--task-queue', 'topology-probe', '--type', 'probe', '--workflow-id', workflowId];
    const byOps = await temporalAs(await token('ops'), start);
    expect(byOps.output).toMatch(/Request unauthorized/);
    const service = await token('service');
    const started = await temporalAs(service, start);
    expect(started.ok, started.output).toBe(true);
    const terminated = await temporalAs(service, ['workflow', 'terminate', '--workflow-id', workflowId, '--reason', 'probe']);
    expect(terminated.ok, terminated.output).toBe(true);
  });

  it('refuses a caller with no token, and one whose token claims write access under a key the deployment did not issue', async () => {
    const anonymous = await temporalAs(undefined, ['workflow', 'list']);
    expect(anonymous.ok).toBe(false);
    expect(anonymous.output).toMatch(/Request unauthorized/);

    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sub: 'hrda-service', permissions: [`${topology.namespace}:write`] })
      .setProtectedHeader({ alg: 'ES256', kid: 'forged' })
      .setIssuer(issuerFor(topology.layout)).setAudience(temporalAudience).setIssuedAt().setExpirationTime('10m')
      .sign(privateKey);
    const refused = await temporalAs(forged, ['workflow', 'start', '--task-queue', 'hrda', '--type', 'probe', '--workflow-id', `probe-${randomUUID()}`]);
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/Request unauthorized/);
  });
});
