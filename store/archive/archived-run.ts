import { z } from 'zod';

/**
 * One closed workflow run as the archive holds it (table archived_workflows, migration 0002). The
 * history is the temporal.api.history.v1.History protobuf as Temporal served it, payloads still
 * encrypted; everything else here is non-personal metadata.
 */
export const archivedRunSchema = z.object({
  workflowId: z.string().min(1),
  runId: z.string().min(1),
  workflowType: z.string().min(1),
  /** How the run closed, as visibility names it: COMPLETED, CONTINUED_AS_NEW, TERMINATED, FAILED… */
  status: z.string().min(1),
  startTime: z.date(),
  closeTime: z.date(),
  /** The run this one continued from (continued-as-new); null for a workflow's first run. */
  previousRunId: z.string().nullable(),
  searchAttributes: z.record(z.string(), z.unknown()),
  /** Query name → the answer's Payloads protobuf, base64 (still encrypted); null for workflows not read by queries. */
  queries: z.record(z.string(), z.string()).nullable(),
  history: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected the history protobuf bytes'),
  /** SHA-256 of `history`, hex: what an auditor checks the archived bytes against. */
  historySha256: z.string().regex(/^[0-9a-f]{64}$/),
  events: z.number().int().nonnegative(),
  replayedOk: z.boolean(),
});

export type ArchivedRun = z.infer<typeof archivedRunSchema>;

/** The row without its bytes: what listings and the backlog need. */
export type ArchivedRunInfo = Omit<ArchivedRun, 'history'> & { archivedAt: Date };
