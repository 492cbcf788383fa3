import { Option, type Command } from 'commander';
import { startService, type ServiceRole } from '../../service';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the service: the Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the HTTP API')
    .option('--development', 'run the embedded OpenID provider, accept the secrets published in the source (key ring, subject key) and print development tokens: loopback only, never with NODE_ENV=production')
    .addOption(new Option('--only <part>', 'run only the worker (with the archiver) or only the HTTP API, to scale them as separate processes (deploy/Procfile)').choices(['worker', 'api']))
    .action(async (opts: { development?: boolean; only?: Exclude<ServiceRole, 'all'> }) => {
      const log = (line: string) => console.error(line);
      const service = await startService({ log, development: opts.development === true, ...(opts.only ? { only: opts.only } : {}) });
      console.log('');
      console.log(`HRDA service is running.`);
      if (service.devServer) {
        console.log(`  Temporal dev server  ${service.devServer.address} (namespace ${service.devServer.namespace})`);
        console.log(`  Temporal Web UI      ${service.devServer.uiUrl}`);
      } else {
        console.log(`  Temporal cluster     ${service.config.TEMPORAL_ADDRESS} (namespace ${service.config.TEMPORAL_NAMESPACE})`);
      }
      if (service.worker) console.log(`  Worker               task queue ${service.config.HRDA_TASK_QUEUE}`);
      if (service.api) console.log(`  HTTP API             ${service.apiUrl}   (health: ${service.apiUrl}/health)`);
      console.log('Press Ctrl-C to stop.');

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.error(`\n${signal} received: stopping the API, the worker and the dev server…`);
        await service.stop();
        console.error('Stopped.');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
