import type { temporal } from '@temporalio/proto';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import { resolveAdvance, type ClockTarget, type ResolvedAdvance } from './clock-target';

/** What the sandbox clock needs of the time-skipping test server's TestService (gRPC). */
export type TimeSkippingService = Pick<temporal.api.testservice.v1.TestService, 'getCurrentTime' | 'unlockTimeSkippingWithSleep' | 'lockTimeSkipping'>;

/**
 * The sandbox's clock: the Java time-skipping test server's. Between advances its time runs at the
 * wall clock's pace (the server keeps time skipping locked, so nothing jumps on its own); an
 * advance unlocks skipping for the given stretch of server time (`UnlockTimeSkippingWithSleep`),
 * during which every timer due fires and the worker runs what it starts, and then locks it again.
 *
 * `now()` is synchronous, for the code that validates against "now" (a referral's receivedAt): it is
 * the wall clock plus the offset last read from the server, which `refresh()` reads again (the API
 * does on each request, since `hrda clock advance` moves the server's clock from another process).
 */
export class SandboxClock {
  private offsetMs = 0;
  /** One advance at a time from this process: two would each unlock skipping, and both be cut short by neither. */
  private advancing: Promise<unknown> = Promise.resolve();

  constructor(private readonly service: TimeSkippingService) {}

  /** Reads the server's time and keeps the offset; returns the time. */
  async refresh(): Promise<Date> {
    const { time } = await this.service.getCurrentTime({});
    const serverMs = tsToMs(time);
    this.offsetMs = serverMs - Date.now();
    return new Date(serverMs);
  }

  /** The server's time as last read, run on by the wall clock since. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /**
   * Skips the server's time forward to the target; resolves once the server has got there, with
   * every timer due on the way fired (ClockTargetError when the target is not ahead, or too far).
   */
  advance(target: ClockTarget): Promise<ResolvedAdvance & { reached: Date }> {
    const run = async () => {
      const resolved = resolveAdvance(target, await this.refresh());
      await this.service.unlockTimeSkippingWithSleep({ duration: msToTs(resolved.ms) });
      return { ...resolved, reached: await this.refresh() };
    };
    const result = this.advancing.then(run, run);
    this.advancing = result.catch(() => undefined);
    return result;
  }
}
