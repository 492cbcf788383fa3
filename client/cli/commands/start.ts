import { Option, type Command } from 'commander';
import { usesEmbeddedDatabase } from '../../../domain/config';
import { codecLoginPath } from '../../api/codec';
import { webUiUrl } from '../../api/web-ui';
import { startService, type RunningService, type ServiceRole } from '../../service';
import { removeServiceState, serviceStateFile, writeServiceState } from '../../service-state';

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
  const { config, devServer, apiUrl } = service;
  return [
    `HRDA service is running${development ? ' (development mode)' : ''}. Ctrl-C stops it.`,
    ...(service.api ? [`  HTTP API             ${apiUrl}   (docs ${apiUrl}/docs, health ${apiUrl}/health)`] : []),
    ...(service.worker ? [`  Worker               task queue ${config.HRDA_TASK_QUEUE}`] : []),
    devServer
      ? `  Temporal dev server  ${devServer.address} (namespace ${devServer.namespace})\n  Temporal Web UI      ${webUiUrl(apiUrl, devServer.namespace)}   (payloads decode once signed in at ${apiUrl}${codecLoginPath})`
      : `  Temporal cluster     ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`,
    usesEmbeddedDatabase(config) ? `  PostgreSQL           127.0.0.1:${config.HRDA_POSTGRES_PORT} (data in .data/postgres)` : '  PostgreSQL           HRDA_DATABASE_URL',
    ...(stateFile ? [`  The CLI finds this service through ${stateFile}: try \`npx hrda case list\`.`] : []),
  ].join('\n');
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the service: the Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the HTTP API')
    .option('--development', 'run the embedded OpenID provider, accept the secrets published in the source (key ring, subject key) and print development tokens: loopback only, never with NODE_ENV=production')
    .addOption(new Option('--only <part>', 'run only the worker (with the archiver) or only the HTTP API, to scale them as separate processes (deploy/Procfile)').choices(['worker', 'api']))
    .action(async (opts: { development?: boolean; only?: Exclude<ServiceRole, 'all'> }) => {
      const log = (line: string) => console.error(line);
      const development = opts.development === true;
      const service = await startService({ log, development, holdNotes: true, ...(opts.only ? { only: opts.only } : {}) });
      // A process running one part of a deployment (deploy/Procfile) is not the service the CLI looks for.
      const whole = !opts.only;
      const { config, devServer } = service;
      // Where the CLI on this machine finds the service when TEMPORAL_ADDRESS is unset (client/service-state.ts).
      if (whole) writeServiceState({
        pid: process.pid,
        startedAt: new Date().toISOString(),
        temporal: devServer
          ? { address: devServer.address, namespace: devServer.namespace, embedded: true }
          : { address: config.TEMPORAL_ADDRESS!, namespace: config.TEMPORAL_NAMESPACE, embedded: false },
        ...(usesEmbeddedDatabase(config) ? { postgresPort: config.HRDA_POSTGRES_PORT } : {}),
        apiUrl: service.apiUrl,
        ...(devServer ? { webUiUrl: webUiUrl(service.apiUrl, devServer.namespace) } : {}),
      });

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.error(`\n${signal} received: stopping the API, the worker and the dev server…`);
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
