import type { Command } from 'commander';
import { codecLoginPath } from '../../api/codec';
import { webUiUrl } from '../../api/web-ui';
import { startService } from '../../service';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the service: the Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the HTTP API')
    .option('--development', 'run the embedded OpenID provider, accept the secrets published in the source (key ring, subject key) and print development tokens: loopback only, never with NODE_ENV=production')
    .action(async (opts: { development?: boolean }) => {
      const log = (line: string) => console.error(line);
      const service = await startService({ log, development: opts.development === true });
      console.log('');
      console.log(`HRDA service is running.`);
      if (service.devServer) {
        console.log(`  Temporal dev server  ${service.devServer.address} (namespace ${service.devServer.namespace})`);
        console.log(`  Temporal Web UI      ${webUiUrl(service.apiUrl, service.devServer.namespace)}   (payloads decode once signed in at ${service.apiUrl}${codecLoginPath})`);
      } else {
        console.log(`  Temporal cluster     ${service.config.TEMPORAL_ADDRESS} (namespace ${service.config.TEMPORAL_NAMESPACE})`);
      }
      console.log(`  HTTP API             ${service.apiUrl}   (health: ${service.apiUrl}/health)`);
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
