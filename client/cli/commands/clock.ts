import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { calendarZone } from '../../../domain/calendar';
import { temporalAddress } from '../../../domain/config';
import { SandboxClock } from '../../sandbox/clock';
import { ClockTargetError, targetFromArgument } from '../../sandbox/clock-target';
import { connectTestService } from '../../sandbox/test-service';
import { isUnimplemented } from '../../sandbox/unimplemented';
import { cliConnectTimeoutMs, configFrom, unreachableServerMessage } from '../context';
import { exitWhenFlushed } from '../exit';
import { CliError, formatInstant, processIo, type CliIo } from '../output';
import { reportError } from './runner';

/**
 * `hrda clock show|advance`: the sandbox's simulated clock (`hrda start --development --sandbox`),
 * read and moved through the time-skipping test server's TestService, found as every command finds
 * the service (.data/service.json, or TEMPORAL_ADDRESS). Any other Temporal server has no such clock,
 * and says so.
 */
export function registerClockCommands(program: Command, io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): void {
  const clock = program.command('clock').description("the sandbox's simulated clock (`hrda start --development --sandbox`, `npm run sandbox`)");

  clock
    .command('show')
    .description("the sandbox's simulated time")
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => runClock(io, env, async (c) => {
      const now = await c.refresh();
      io.out(opts.json ? JSON.stringify(clockJson(now)) : `Simulated clock: ${formatInstant(now.toISOString())} (${now.toISOString()})`);
    }));

  clock
    .command('advance')
    .description('skip the simulated time forward, firing every timer due on the way (reminders, chases, meetings sitting, escalations)')
    .argument('<by-or-to>', 'an ISO-8601 duration (P1D, PT4H, P2W) or the instant to reach (2026-12-10T09:00 in Europe/London, or with an offset)')
    .option('--json', 'print JSON')
    .action((byOrTo: string, opts: { json?: boolean }) => runClock(io, env, async (c) => {
      const target = targetFromArgument(byOrTo);
      io.err(`Advancing the sandbox clock ${'by' in target ? `by ${target.by}` : `to ${target.to}`}…`);
      let advanced;
      try {
        advanced = await c.advance(target);
      } catch (err) {
        if (err instanceof ClockTargetError) throw new CliError(`Cannot advance the clock: ${err.message}.`);
        throw err;
      }
      io.out(opts.json
        ? JSON.stringify({ ...clockJson(advanced.reached), from: advanced.from.toISOString(), to: advanced.to.toISOString() })
        : `Simulated clock: ${formatInstant(advanced.reached.toISOString())} (${advanced.reached.toISOString()}), advanced from ${formatInstant(advanced.from.toISOString())}.`);
    }));
}

const clockJson = (now: Date) => ({ simulated: true, now: now.toISOString(), local: DateTime.fromJSDate(now, { zone: calendarZone }).toISO() });

async function runClock(io: CliIo, env: NodeJS.ProcessEnv, body: (clock: SandboxClock) => Promise<void>): Promise<void> {
  let code = 0;
  try {
    const config = configFrom(env);
    const address = temporalAddress(config);
    let connection;
    try {
      connection = await connectTestService(address, cliConnectTimeoutMs);
    } catch (err) {
      throw new CliError(unreachableServerMessage(config, env, (err as Error).message));
    }
    try {
      await body(new SandboxClock(connection.service));
    } catch (err) {
      // The dev server and a cluster have no TestService.
      if (isUnimplemented(err)) {
        throw new CliError(`The Temporal server at ${address} has no simulated clock: it is not a sandbox's time-skipping test server. Start one with \`npm run sandbox\` (hrda start --development --sandbox).`);
      }
      throw err;
    } finally {
      await connection.close();
    }
  } catch (err) {
    code = reportError(io, err);
  }
  await exitWhenFlushed(code);
}
