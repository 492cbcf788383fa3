import { Command } from 'commander';
import { startService } from '../service';

const program = new Command('hrda').description('Case-lifecycle orchestration for high-risk domestic abuse multi-agency arrangements');

program
  .command('start')
  .description('start the service: the Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the HTTP API')
  .action(async () => {
    const log = (line: string) => console.error(line);
    const service = await startService({ log });
    console.log('');
    console.log(`HRDA service is running.`);
    if (service.devServer) {
      console.log(`  Temporal dev server  ${service.devServer.address} (namespace ${service.devServer.namespace})`);
      console.log(`  Temporal Web UI      ${service.devServer.uiUrl}`);
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

program
  .command('simulate')
  .description('run a scenario (CONTRACT.md §3) on the time-skipping test server with the real workflows and local adapters')
  .argument('<file>', 'scenario JSON file')
  .option('--json', 'print the result as one JSON object')
  .action(async (file: string, opts: { json?: boolean }) => {
    const { readFile } = await import('node:fs/promises');
    const { simulate } = await import('../simulate/simulate');
    const { ensureTestServer } = await import('../../scripts/test-server');
    const { renderSimulation } = await import('../simulate/render');
    const scenario = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const testServer = await ensureTestServer({ log: (l) => console.error(l) });
    const result = await simulate(scenario, { testServer, log: opts.json ? undefined : (l) => console.error(l) });
    console.log(opts.json ? JSON.stringify(result, null, 2) : renderSimulation(result));
    // The SDK's native runtime keeps the event loop alive after teardown.
    process.exit(0);
  });

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
