import { Option, type Command } from 'commander';
import { usesEmbeddedDatabase } from '../../domain/config';
import { codecLoginPath } from '../../client/api/codec';
import { webUiUrl } from '../../client/api/web-ui';
import { parseInstant } from '../../client/sandbox/clock-target';
import { sandboxDatabase, startService, type RunningService, type ServiceRole } from '../service';
import { removeServiceState, serviceStateFile, writeServiceState } from '../../client/service-state';
import { CliError } from '../../client/cli/output';

/**
 * Waits for the start-up logs to end (the worker polling, then a quiet moment for its first lines),
 * so the block a person needs — addresses, tokens — is the last thing on the terminal, not
 * scrolled away among them (issue 18).
 */
async function settled(service: RunningService, quietMs = 1_000, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (service.worker && service.worker.worker.getState() !== 'RUNNING' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, quietMs));
}

/** The block printed once the service is up: where each part listens, and how the CLI finds them. */
export function addressBlock(service: RunningService, development: boolean, stateFile: string | null): string {
  const { config, devServer, sandbox, apiUrl } = service;
  const temporal = sandbox
    ? `  Temporal test server ${sandbox.address} (time-skipping, namespace ${sandbox.namespace}; simulated clock at ${sandbox.clock.now().toISOString()}: \`npx hrda clock advance P1D\`)`
    : devServer
      ? `  Temporal dev server  ${devServer.address} (namespace ${devServer.namespace})\n  Temporal Web UI      ${webUiUrl(apiUrl, devServer.namespace)}   (payloads decode once signed in at ${apiUrl}${codecLoginPath})`
      : `  Temporal cluster     ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`;
  return [
    `HRDA service is running${development ? ' (development mode)' : ''}${sandbox ? ' in the sandbox, on a simulated clock' : ''}. Ctrl-C stops it.`,
    ...(service.api ? [`  HTTP API             ${apiUrl}   (docs ${apiUrl}/docs, health ${apiUrl}/health)`] : []),
    ...(service.worker ? [`  Worker               task queue ${config.HRDA_TASK_QUEUE}`] : []),
    temporal,
    usesEmbeddedDatabase(config)
      ? `  PostgreSQL           127.0.0.1:${config.HRDA_POSTGRES_PORT} (data in .data/postgres${sandbox ? `, database ${sandboxDatabase}, emptied at each start` : ''})`
      : '  PostgreSQL           HRDA_DATABASE_URL',
    ...(stateFile ? [`  The CLI finds this service through ${stateFile}: try \`npx hrda case list\`.`] : []),
  ].join('\n');
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the service: the Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the HTTP API')
    .option('--development', 'run the embedded OpenID provider, accept the secrets published in the source (key ring, subject key) and print development tokens: loopback only, never with NODE_ENV=production')
    .addOption(new Option('--only <part>', 'run only the worker (with the archiver) or only the HTTP API, to scale them as separate processes (deploy/Procfile)').choices(['worker', 'api']))
    .option('--sandbox', 'with --development: run on the Java time-skipping test server, on a simulated clock that `hrda clock advance` moves, instead of the dev server (in memory: it starts empty every time)')
    .option('--start-at <instant>', 'with --sandbox: where the simulated clock starts, e.g. 2026-11-23T08:00 (Europe/London) or 2026-11-23T08:00:00Z; now by default')
    .action(async (opts: { development?: boolean; only?: Exclude<ServiceRole, 'all'>; sandbox?: boolean; startAt?: string }) => {
      const log = (line: string) => console.error(line);
      const development = opts.development === true;
      if (opts.sandbox && !development) throw new CliError('--sandbox needs --development: a clock anyone can move is for a machine of your own (`npm run sandbox`).');
      // The test server lives in the process that starts it: a sandbox is one process, worker and API together.
      if (opts.sandbox && opts.only) throw new CliError('--sandbox runs the worker and the API in one process with its test server: leave out --only.');
      if (opts.startAt && !opts.sandbox) throw new CliError('--start-at sets the sandbox\'s clock: use it with --sandbox.');
      let startAt: Date | undefined;
      try {
        startAt = opts.startAt ? parseInstant(opts.startAt) : undefined;
      } catch (err) {
        throw new CliError(`--start-at: ${(err as Error).message}`);
      }
      const service = await startService({
        log, development, holdNotes: true, ...(opts.only ? { only: opts.only } : {}),
        ...(opts.sandbox ? { sandbox: startAt ? { startAt } : {} } : {}),
      });
      // A process running one part of a deployment (deploy/Procfile) is not the service the CLI looks for.
      const whole = !opts.only;
      const { config, devServer, sandbox } = service;
      // Where the CLI on this machine finds the service when TEMPORAL_ADDRESS is unset (client/service-state.ts).
      if (whole) writeServiceState({
        pid: process.pid,
        startedAt: new Date().toISOString(),
        temporal: sandbox
          ? { address: sandbox.address, namespace: sandbox.namespace, embedded: true, sandbox: true }
          : devServer
            ? { address: devServer.address, namespace: devServer.namespace, embedded: true }
            : { address: config.TEMPORAL_ADDRESS!, namespace: config.TEMPORAL_NAMESPACE, embedded: false },
        ...(usesEmbeddedDatabase(config) ? { postgresPort: config.HRDA_POSTGRES_PORT, ...(sandbox ? { postgresDatabase: sandboxDatabase } : {}) } : {}),
        apiUrl: service.apiUrl,
        ...(devServer ? { webUiUrl: webUiUrl(service.apiUrl, devServer.namespace) } : {}),
      });

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.error(`\n${signal} received: stopping the API, the worker and the ${sandbox ? 'test server' : 'dev server'}…`);
        if (whole) removeServiceState();
        await service.stop();
        console.error('Stopped.');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));

      await settled(service);
      if (stopping) return;
      console.log(['', ...service.notes.flatMap((note) => [note, '']), addressBlock(service, development, whole ? serviceStateFile() : null)].join('\n'));
    });
}
