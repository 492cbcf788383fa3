import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/hrda.mjs', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface CliRun {
  code: number | null;
  /** stdout as the pipe delivered it, every byte. */
  stdout: Buffer;
  stderr: string;
  ms: number;
}

/**
 * Runs `hrda ARGS` as a person's shell would in `hrda … | reader`: a child process whose stdout is a
 * pipe, read to its end.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr, ms: Date.now() - started }));
  });
}
