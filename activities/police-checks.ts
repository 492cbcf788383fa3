import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { z } from 'zod';
import { policeSystemSchema, type PoliceSystem } from '../domain/timeline';
import type { NominalQuery, NominalRecord, PoliceSystems } from './police-systems.port';

const policeCheckInputSchema = z.object({
  caseId: z.string().min(1),
  system: policeSystemSchema,
  people: z.array(z.object({
    role: z.enum(['victim', 'perpetrator', 'child']),
    name: z.string().min(1),
    dateOfBirth: z.string().optional(),
  })).min(1),
});

export interface PoliceCheckInput {
  caseId: string;
  system: PoliceSystem;
  people: NominalQuery[];
}

export interface PoliceCheckResult {
  system: PoliceSystem;
  status: 'completed';
  hits: number;
  records: NominalRecord[];
}

/**
 * The administrator's background checks (PROTOCOL.md §1.2): one activity per system, so a
 * failing system is retried on its own and the workflow can report it unavailable.
 */
export function createPoliceCheckActivities(deps: { police: PoliceSystems }) {
  return {
    async checkPoliceSystem(input: PoliceCheckInput): Promise<PoliceCheckResult> {
      const parsed = policeCheckInputSchema.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        throw ApplicationFailure.nonRetryable(`Police check input is not valid: ${issues}`, 'InvalidPoliceCheckInput');
      }
      const { caseId, system, people } = parsed.data;
      let records: NominalRecord[];
      try {
        records = await deps.police.search(system, people);
      } catch (error) {
        throw withoutPersonalData(error, `${system} search for case ${caseId} failed`, people);
      }
      return { system, status: 'completed', hits: records.length, records };
    },
  };
}

/**
 * Failure messages travel unencrypted into the workflow history, logs and the Web UI, and an
 * adapter may echo its query in an error. Keep the error's type and retryability (so the retry
 * policy still applies) but redact every name and date of birth searched for, and drop the cause.
 */
function withoutPersonalData(error: unknown, context: string, people: NominalQuery[]): unknown {
  if (error instanceof CancelledFailure) return error;
  const message = redact(error instanceof Error ? error.message : String(error), people);
  return ApplicationFailure.create({
    message: `${context}: ${message}`,
    type: (error instanceof ApplicationFailure ? error.type : error instanceof Error ? error.name : undefined) ?? 'PoliceSystemError',
    nonRetryable: error instanceof ApplicationFailure && error.nonRetryable === true,
  });
}

export function redact(message: string, people: NominalQuery[]): string {
  const secrets = people.flatMap((p) => [p.name, ...p.name.split(/\s+/), p.dateOfBirth ?? ''])
    .map((s) => s.trim())
    .filter((s) => s.length >= 2)
    // Longest first, so a full name is replaced before its parts.
    .sort((a, b) => b.length - a.length);
  return secrets.reduce(
    (text, secret) => text.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[redacted]'),
    message,
  );
}
