import type { Command } from 'commander';
import { exitWhenFlushed } from '../../client/cli/exit';
import { quietCliRuntime } from '../../client/cli/runtime';

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run a scenario (docs/contract.md §3) on the time-skipping test server with the real workflows and local adapters')
    .argument('<file>', 'scenario JSON file')
    .option('--json', 'print the result as one JSON object')
    .option('--profile <id>', "run the scenario's referrals under this profile instead of the one the file names")
    .action(async (file: string, opts: { json?: boolean; profile?: string }) => {
      const { readFile } = await import('node:fs/promises');
      const { simulate } = await import('../../client/simulate/simulate');
      const { ensureTestServer } = await import('../../scripts/test-server');
      const { renderSimulation } = await import('../../client/simulate/render');
      // Before the worker exists: the SDK's and the core's logs to stderr, never among the results.
      quietCliRuntime();
      const scenario = JSON.parse(await readFile(file, 'utf8')) as unknown;
      const testServer = await ensureTestServer({ log: (l) => console.error(l) });
      const result = await simulate(scenario, { testServer, log: opts.json ? undefined : (l) => console.error(l), ...(opts.profile ? { profile: opts.profile } : {}) });
      process.stdout.write(`${opts.json ? JSON.stringify(result, null, 2) : renderSimulation(result)}\n`);
      // The SDK's native runtime keeps the event loop alive after teardown: exit, once stdout has drained.
      await exitWhenFlushed(0);
    });
}
