/**
 * Ends the CLI process once what it wrote has left it. The SDK's native runtime keeps the event
 * loop alive after a command is done, so commands end with an explicit exit; but stdout on a pipe
 * is asynchronous in Node, and a bare `process.exit` drops whatever the pipe has not taken yet —
 * `hrda simulate --json | jq` was cut at 64 KiB, the pipe's buffer (issue 18). An empty write's
 * callback runs once every write queued before it is flushed (or the stream has failed).
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

/**
 * A reader that stops early (`hrda … --json | head`) closes the pipe: that is the reader's choice,
 * not a failure to report with a stack trace.
 */
export function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
