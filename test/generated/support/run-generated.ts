import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulationResult } from '../../../client/simulate/simulate';
import type { GeneratedScenario } from './scenario-arbitrary';

const runner = fileURLToPath(new URL('./simulate-one.ts', import.meta.url));

export type GeneratedRun =
  | { kind: 'finished'; result: SimulationResult; ms: number }
  | { kind: 'failed'; error: string; ms: number }
  | { kind: 'hung'; ms: number };

/** Runs a scenario through `simulate` in a child process, killed (with its test server) after `boundMs`. */
export async function runInOwnProcess(scenario: GeneratedScenario, opts: { bundlePath: string; testServer: string; boundMs: number }): Promise<GeneratedRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-generated-'));
  const [scenarioPath, outPath] = [path.join(dir, 'scenario.json'), path.join(dir, 'result.json')];
  const started = Date.now();
  try {
    await writeFile(scenarioPath, JSON.stringify(scenario));
    // Its own process group, so that a kill reaches the test server the run started too.
    const child = spawn(process.execPath, ['--import', 'tsx', runner, scenarioPath, opts.bundlePath, opts.testServer, outPath], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([exited.then((code) => ({ code })), new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), opts.boundMs)))]);
    clearTimeout(timer);
    if (outcome === 'hung') {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
      return { kind: 'hung', ms: Date.now() - started };
    }
    const out = await readFile(outPath, 'utf8').catch(() => undefined);
    if (!out) return { kind: 'failed', error: `the run exited (${outcome.code}) without a result: ${stderr}`, ms: Date.now() - started };
    const parsed = JSON.parse(out) as { ok: true; result: SimulationResult } | { ok: false; error: string };
    return parsed.ok ? { kind: 'finished', result: parsed.result, ms: Date.now() - started } : { kind: 'failed', error: parsed.error, ms: Date.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
