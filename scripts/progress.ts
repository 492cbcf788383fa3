import type { Log } from './run';

const seconds = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/**
 * Counted steps with their elapsed time, one line each (readable in a terminal and in CI logs
 * alike): `[2/3] Verifying the wheel's sha256…` then `[2/3] Verifying the wheel's sha256: done in 0.4 s`.
 * A long step reports its own count (`tick`) at most every `everyMs`, so a seven-minute Go build
 * shows how far it has gone instead of 800 lines of package names.
 */
export class Steps {
  private current = 0;

  constructor(private readonly log: Log, private readonly total: number, private readonly everyMs = 10_000) {}

  async run<T>(title: string, fn: (tick: (progress: string) => void) => Promise<T>): Promise<T> {
    const label = `[${++this.current}/${this.total}] ${title}`;
    const started = Date.now();
    let lastTick = started;
    this.log(`${label}…`);
    const tick = (progress: string) => {
      if (Date.now() - lastTick < this.everyMs) return;
      lastTick = Date.now();
      this.log(`${label}: ${progress}, ${seconds(Date.now() - started)}`);
    };
    try {
      const result = await fn(tick);
      this.log(`${label}: done in ${seconds(Date.now() - started)}`);
      return result;
    } catch (err) {
      this.log(`${label}: failed after ${seconds(Date.now() - started)}`);
      throw err;
    }
  }
}
