/**
 * A worker in a process of its own, driven over IPC by bench/lib/worker-child.ts: the bench's
 * memory figures (run with --expose-gc, `debugMode` so the workflows' heap is this process's main
 * heap) and the fault tests (a worker that can be SIGKILLed mid-lifecycle).
 *
 *   node [--expose-gc] --import tsx bench/lib/worker-process.ts
 */
import { appendFile } from 'node:fs/promises';
import { Runtime } from '@temporalio/worker';
import { OutboxMail } from '../../activities/mail.outbox';
import type { MailPort, OutgoingMail } from '../../activities/mail.port';
import { startBareWorker } from '../bare/side';
import { quietRuntime } from './dev-server';
import { connectHrda, startHrdaWorker } from './hrda-service';
import type { ChildRequest, ChildReply, WorkerProcessOptions } from './worker-child';

Runtime.install(quietRuntime());

const reply = (message: ChildReply) => process.send?.(message);

/** The outbox adapter, slowed down and with every send's result written to a log (JSON lines). */
class ObservedMail implements MailPort {
  constructor(private readonly inner: MailPort, private readonly delayMs: number, private readonly logFile?: string) {}

  async send(mail: OutgoingMail): Promise<'sent' | 'already-sent'> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const result = await this.inner.send(mail);
    if (this.logFile) await appendFile(this.logFile, `${JSON.stringify({ id: mail.id, result, pid: process.pid })}\n`);
    return result;
  }
}

let stop: (() => Promise<void>) | undefined;

async function start(o: WorkerProcessOptions): Promise<void> {
  const options = { ...(o.debugMode ? { debugMode: true } : {}), ...(o.maxCachedWorkflows ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}) };
  if (o.kind === 'bare') {
    const bare = await startBareWorker({ address: o.address, namespace: o.namespace, taskQueue: o.taskQueue, bundle: { codePath: o.codePath }, options });
    stop = bare.stop;
    return;
  }
  const side = await connectHrda(o.address, o.namespace, o.taskQueue);
  const mail = new ObservedMail(new OutboxMail(o.outboxDir), o.mailDelayMs ?? 0, o.mailLog);
  const worker = await startHrdaWorker({ address: o.address, side, bundle: { codePath: o.codePath }, outboxDir: o.outboxDir, mail, options });
  stop = async () => {
    await worker.stop();
    await side.close();
  };
}

async function measure(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  return process.memoryUsage();
}

process.on('message', (message: ChildRequest) => {
  const handle = async () => {
    switch (message.type) {
      case 'start':
        await start(message.options);
        return reply({ type: 'ready', pid: process.pid });
      case 'measure':
        return reply({ type: 'memory', usage: await measure(), gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function' });
      case 'stop':
        await stop?.();
        reply({ type: 'stopped' });
        process.exit(0);
    }
  };
  handle().catch((err: Error) => {
    reply({ type: 'error', message: err.stack ?? err.message });
  });
});
reply({ type: 'spawned', pid: process.pid });
