import { describe, expect, it } from 'vitest';
import { clockAdvanceBodySchema, parseInstant, resolveAdvance, targetFromArgument, type ClockTargetError } from '../../client/sandbox/clock-target';

const at = (iso: string) => new Date(iso);

describe('where an advance of the sandbox clock goes', () => {
  it('reads a duration in Europe/London calendar units, so P1D across the spring clock change is 23 hours', () => {
    const { to, ms } = resolveAdvance({ by: 'P1D' }, at('2027-03-27T12:00:00Z'));
    expect(to.toISOString()).toBe('2027-03-28T11:00:00.000Z');
    expect(ms).toBe(23 * 3_600_000);
    expect(resolveAdvance({ by: 'pt2h30m' }, at('2026-11-23T08:00:00Z')).to.toISOString()).toBe('2026-11-23T10:30:00.000Z');
    expect(resolveAdvance({ by: 'P2W' }, at('2026-11-23T08:00:00Z')).to.toISOString()).toBe('2026-12-07T08:00:00.000Z');
  });

  it('reads an instant without an offset as London wall-clock time, and one with an offset as written', () => {
    expect(resolveAdvance({ to: '2027-06-10T09:00' }, at('2027-06-01T00:00:00Z')).to.toISOString()).toBe('2027-06-10T08:00:00.000Z');
    expect(resolveAdvance({ to: '2026-12-10T09:00' }, at('2026-12-01T00:00:00Z')).to.toISOString()).toBe('2026-12-10T09:00:00.000Z');
    expect(resolveAdvance({ to: '2027-06-10T09:00:00Z' }, at('2027-06-01T00:00:00Z')).to.toISOString()).toBe('2027-06-10T09:00:00.000Z');
    expect(resolveAdvance({ to: '2026-12-10' }, at('2026-12-01T00:00:00Z')).to.toISOString()).toBe('2026-12-10T00:00:00.000Z');
    expect(parseInstant('2027-07-01T08:00').toISOString()).toBe('2027-07-01T07:00:00.000Z');
  });

  it('refuses what is not a duration or an instant, what is not ahead, and more than 400 days at once, naming the field', () => {
    const now = at('2026-12-01T12:00:00Z');
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err as ClockTargetError;
      }
      throw new Error('not refused');
    };
    expect(refusal(() => resolveAdvance({ by: 'one day' }, now))).toMatchObject({ field: 'by', message: expect.stringContaining('not an ISO-8601 duration') });
    expect(refusal(() => resolveAdvance({ to: 'next Tuesday' }, now))).toMatchObject({ field: 'to', message: expect.stringContaining('not an ISO-8601 date') });
    expect(refusal(() => resolveAdvance({ to: '2026-11-30T09:00' }, now)).message).toContain('only moves forward, and it is already 2026-12-01T12:00:00.000Z');
    expect(refusal(() => resolveAdvance({ by: 'PT0S' }, now)).message).toContain('only moves forward');
    expect(refusal(() => resolveAdvance({ to: '2062-12-01' }, now)).message).toContain('at most 400 days at once');
    expect(resolveAdvance({ by: 'P400D' }, now).ms).toBe(400 * 86_400_000);
  });

  it('takes a command-line argument starting with P as a duration, anything else as an instant; the API body takes exactly one', () => {
    expect(targetFromArgument('P1D')).toEqual({ by: 'P1D' });
    expect(targetFromArgument(' 2026-12-10T09:00 ')).toEqual({ to: '2026-12-10T09:00' });
    expect(clockAdvanceBodySchema.safeParse({ by: 'P1D' }).success).toBe(true);
    expect(clockAdvanceBodySchema.safeParse({ to: '2026-12-10T09:00' }).success).toBe(true);
    expect(clockAdvanceBodySchema.safeParse({ by: 'P1D', to: '2026-12-10T09:00' }).success).toBe(false);
    expect(clockAdvanceBodySchema.safeParse({}).success).toBe(false);
    expect(clockAdvanceBodySchema.safeParse({ by: 'P1D', extra: 1 }).success).toBe(false);
  });
});
