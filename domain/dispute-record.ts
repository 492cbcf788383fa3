import { z } from 'zod';

/**
 * The dispute record (store/records): what the escalation report reads of each dispute, kept in the
 * service's store by the dispute's workflow as it moves (issue 15 item 3), so the report is one query
 * on the store rather than one query to each dispute's workflow. Clear: identifiers, codes, stages and
 * instants. `personal` — the learning, free text — is kept only sealed under the case's data key.
 */
const instant = z.string();

export const disputePersonalFactsSchema = z.object({ learning: z.string().nullable() });
export type DisputePersonalFacts = z.infer<typeof disputePersonalFactsSchema>;

export const disputeRecordSchema = z.object({
  caseId: z.string(),
  disputeId: z.string(),
  /** The dispute timeline's length: a record only ever replaces one of a lower or equal version. */
  version: z.number().int().min(0),
  profile: z.string(),
  area: z.string(),
  parties: z.array(z.string()),
  raisedAt: instant,
  status: z.enum(['open', 'resolved']),
  stage: z.number().int(),
  highestStage: z.number().int(),
  highestStep: z.string(),
  resolvedAt: instant.nullable(),
  timeToResolutionMs: z.number().nullable(),
  personal: disputePersonalFactsSchema,
});
export type DisputeRecord = z.infer<typeof disputeRecordSchema>;

/** What the derivation reads of a dispute view (machines/escalation disputeView). */
export interface DisputeRecordSource {
  caseId: string;
  disputeId: string;
  profileId: string;
  area: string;
  parties: readonly string[];
  raisedAt: string;
  status: 'open' | 'resolved';
  stage: number;
  highestStage: number;
  highestStep: string;
  resolvedAt: string | null;
  timeToResolutionMs: number | null;
  resolution: { learning?: string | null } | null;
  timeline: readonly unknown[];
}

export function disputeRecordOf(v: DisputeRecordSource): DisputeRecord {
  return {
    caseId: v.caseId,
    disputeId: v.disputeId,
    version: v.timeline.length,
    profile: v.profileId,
    area: v.area,
    parties: [...v.parties],
    raisedAt: v.raisedAt,
    status: v.status,
    stage: v.stage,
    highestStage: v.highestStage,
    highestStep: v.highestStep,
    resolvedAt: v.resolvedAt,
    timeToResolutionMs: v.timeToResolutionMs,
    personal: { learning: v.resolution?.learning ?? null },
  };
}
