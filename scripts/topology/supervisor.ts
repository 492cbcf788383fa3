import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Log } from '../run';
import type { ProcessLine } from './procfile';

/**
 * Runs the deployment's processes (Procfile lines) in order, like foreman or systemd would: each in a
 * process group of its own — so Ctrl-C in the terminal reaches only this supervisor, which then stops
 * them in reverse order — with its output in a log file of its own. A step waits for each process's
 * readiness (and any set-up after it) before the next starts. A process that dies after it was ready
 * is reported and left down: the rest keep running, as they would on separate machines.
 */
export interface SupervisedProcess {
  line: ProcessLine;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | string | null>;
}

export interface Step {
  line: ProcessLine;
  /** Resolves once the process serves (a port accepts connections, a worker polls); none: started is enough. */
  ready?: () => Promise<void>;
  /** Set-up that needs this process up and must finish before the next starts (schemas, the namespace). */
  after?: () => Promise<void>;
}

export class Supervisor {
  readonly processes = new Map<string, SupervisedProcess>();
  private readonly order: string[] = [];
  private stopping = false;

  constructor(private readonly opts: { cwd: string; env: NodeJS.ProcessEnv; logDir: string; log: Log }) {}

  /** Sets a variable for the processes started from now on (one only known once an earlier one is up). */
  setEnv(name: string, value: string): void {
    this.opts.env[name] = value;
  }

  /** Starts one line's process (again, after a kill, when it was stopped). */
  async start(line: ProcessLine): Promise<SupervisedProcess> {
    await mkdir(this.opts.logDir, { recursive: true, mode: 0o700 });
    const logFile = path.join(this.opts.logDir, `${line.name}.log`);
    const out: WriteStream = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
    const child = spawn('/bin/sh', ['-c', line.command], { cwd: this.opts.cwd, env: this.opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    const exited = new Promise<number | string | null>((resolve) =>
      child.once('exit', (code, signal) => {
        out.end();
        if (!this.stopping) this.opts.log(`${line.name} exited (${signal ?? `code ${code}`}); its log: ${logFile}`);
        resolve(signal ?? code);
      }),
    );
    const proc = { line, child, logFile, exited };
    this.processes.set(line.name, proc);
    if (!this.order.includes(line.name)) this.order.push(line.name);
    return proc;
  }

  /** Runs the steps in order; on any failure stops what started and throws with the failing log's tail. */
  async run(steps: Step[]): Promise<void> {
    for (const step of steps) {
      const proc = await this.start(step.line);
      try {
        await Promise.race([
          step.ready?.() ?? Promise.resolve(),
          proc.exited.then((how) => {
            throw new Error(`${step.line.name} exited (${how}) before it was ready`);
          }),
        ]);
        await step.after?.();
      } catch (err) {
        const tail = (await readFile(proc.logFile, 'utf8').catch(() => '')).split('\n').slice(-25).join('\n');
        await this.stop();
        throw new Error(`${(err as Error).message}\n--- last lines of ${proc.logFile} ---\n${tail}`);
      }
      this.opts.log(`  ${step.line.name.padEnd(28)} ready (pid ${proc.child.pid})`);
    }
  }

  /** Sends a signal to one process's group (the fault tests' kill -9). */
  kill(name: string, signal: NodeJS.Signals): void {
    const proc = this.processes.get(name);
    if (!proc?.child.pid) throw new Error(`no process ${name}`);
    process.kill(-proc.child.pid, signal);
  }

  /** Stops every process in reverse order: SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    for (const name of [...this.order].reverse()) {
      const proc = this.processes.get(name);
      if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) continue;
      try {
        process.kill(-proc.child.pid!, 'SIGTERM');
      } catch {
        continue; // already gone
      }
      const timer = setTimeout(() => {
        this.opts.log(`${name} did not stop within ${graceMs / 1000} s: killing it`);
        try {
          process.kill(-proc.child.pid!, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }, graceMs);
      await proc.exited;
      clearTimeout(timer);
      this.opts.log(`  ${name.padEnd(28)} stopped`);
    }
  }
}
