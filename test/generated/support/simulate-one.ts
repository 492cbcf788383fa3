import { readFile, writeFile } from 'node:fs/promises';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { simulate } from '../../../client/simulate/simulate';

/**
 * One generated scenario through `simulate`, in a process of its own (test/generated): its
 * time-skipping server, worker and client are this process's, so a run that hangs is killed
 * without taking the others with it. Arguments: the scenario, the workflow bundle (JSON of
 * `bundleWorkflowCode`'s result, built once for every run), the test server launcher, and
 * where to write the result.
 */
const [scenarioPath, bundlePath, testServer, outPath] = process.argv.slice(2) as [string, string, string, string];
const [scenario, workflowBundle] = await Promise.all([
  readFile(scenarioPath, 'utf8').then((t) => JSON.parse(t) as unknown),
  readFile(bundlePath, 'utf8').then((t) => JSON.parse(t) as WorkflowBundleWithSourceMap),
]);
try {
  const result = await simulate(scenario, { testServer, workflowBundle });
  await writeFile(outPath, JSON.stringify({ ok: true, result }));
} catch (err) {
  await writeFile(outPath, JSON.stringify({ ok: false, error: String((err as Error)?.stack ?? err) }));
}
// The SDK's native runtime keeps the event loop alive after teardown.
process.exit(0);
