import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { calendarZone } from '../../../domain/calendar';
import { clockAdvanceBodySchema, ClockTargetError } from '../../sandbox/clock-target';
import type { SandboxClock } from '../../sandbox/clock';
import { allRoles, bearerSecurity } from '../auth';
import { ProblemError, problemResponses } from '../problem';
import { jsonResponse } from '../schemas';

/** The header every response carries in sandbox mode, so that no screen passes simulated time off as real. */
export const clockHeader = 'x-hrda-clock';
export const clockHeaderValue = (now: Date) => `simulated ${now.toISOString()}`;

const clockSchema = z.object({
  simulated: z.literal(true),
  now: z.string().meta({ description: 'The simulated instant (UTC).' }),
  local: z.string().meta({ description: `The same in ${calendarZone}, with its offset.` }),
}).meta({ id: 'SandboxClock' });

const advancedSchema = clockSchema.extend({
  from: z.string().meta({ description: 'The simulated instant before the advance.' }),
  to: z.string().meta({ description: 'The instant asked for; `now` is at or just past it.' }),
}).meta({ id: 'SandboxClockAdvanced' });

const clockView = (now: Date) => ({ simulated: true as const, now: now.toISOString(), local: DateTime.fromJSDate(now, { zone: calendarZone }).toISO()! });

/**
 * Sandbox mode only (`hrda start --development --sandbox`): the clock of the time-skipping test
 * server, read by anyone signed in and advanced by administrators. Outside sandbox mode these
 * routes do not exist (404) and are not in the OpenAPI document. Every response says the clock is
 * simulated (X-HRDA-Clock), and the API's "now" is read from the server on each request, since
 * `hrda clock advance` moves it from another process.
 */
export function registerSandboxRoutes(fastify: FastifyInstance, deps: { clock: SandboxClock }): void {
  // A server that does not answer leaves the last offset in place; /health says Temporal is unreachable.
  fastify.addHook('onRequest', async () => void (await deps.clock.refresh().catch(() => undefined)));
  fastify.addHook('onSend', async (_req, reply, payload) => {
    reply.header(clockHeader, clockHeaderValue(deps.clock.now()));
    return payload;
  });

  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/sandbox/clock', {
    config: { access: { roles: allRoles } },
    schema: {
      tags: ['sandbox'],
      summary: 'The simulated clock (sandbox mode only)',
      description: 'The time-skipping test server\'s time, which every deadline, meeting and validation of the sandbox follows. It runs at the wall clock\'s pace between advances.',
      security: bearerSecurity,
      response: { 200: jsonResponse(clockSchema, 'The simulated time'), ...problemResponses(401, 403) },
    },
  }, async () => clockView(deps.clock.now()));

  app.post('/sandbox/clock/advance', {
    config: { access: { roles: ['administrator'] } },
    schema: {
      tags: ['sandbox'],
      summary: 'Advance the simulated clock by a duration or to an instant (sandbox mode only; administrator)',
      description: 'Skips the test server\'s time forward: every timer falling due on the way fires (reminders, chases, meetings sitting, escalations) and the worker runs what they start before the answer comes. The clock never goes back; at most 400 days at once.',
      security: bearerSecurity,
      body: clockAdvanceBodySchema,
      response: { 200: jsonResponse(advancedSchema, 'The clock after the advance'), ...problemResponses(400, 401, 403) },
    },
  }, async (req) => {
    const target = req.body.by !== undefined ? { by: req.body.by } : { to: req.body.to! };
    try {
      const advanced = await deps.clock.advance(target);
      return { ...clockView(advanced.reached), from: advanced.from.toISOString(), to: advanced.to.toISOString() };
    } catch (err) {
      if (err instanceof ClockTargetError) throw new ProblemError('invalid-input', `The clock cannot advance: ${err.message}.`, [{ path: err.field, message: err.message, in: 'body' }]);
      throw err;
    }
  });
}
