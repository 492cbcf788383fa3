import type { ArchivedCases } from '../archive/archived-cases';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RestrictionMarks } from '../../domain/restriction';
import type { Database } from '../../store/database';
import { caseWorkflowId } from '../../workflows/referral.messages';

/**
 * Each case's restriction as last written (table case_restrictions): what the codec server needs to
 * place a payload once the case's workflow is gone from Temporal. The API writes it whenever a case
 * it answers for is or becomes restricted, or its need-to-know list changes (submission and the
 * case's commands), and whenever the codec server reads the marks from a live workflow.
 */
export class CaseRestrictions {
  constructor(private readonly db: Database) {}

  /** Records a case's marks as the case reports them now. */
  async record(caseId: string, marks: RestrictionMarks): Promise<void> {
    await this.db.query(
      `INSERT INTO case_restrictions (case_id, restricted, need_to_know, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (case_id) DO UPDATE SET restricted = EXCLUDED.restricted, need_to_know = EXCLUDED.need_to_know, updated_at = now()`,
      [caseId, Boolean(marks.restricted), [...(marks.needToKnow ?? [])]],
    );
  }

  /**
   * Records marks for a case that has none yet (a submission, before its case starts): a case that
   * already has marks keeps them (a key sent again long after, its case since amended or archived).
   */
  async recordIfAbsent(caseId: string, marks: RestrictionMarks): Promise<void> {
    await this.db.query(
      `INSERT INTO case_restrictions (case_id, restricted, need_to_know, updated_at) VALUES ($1, $2, $3, now()) ON CONFLICT (case_id) DO NOTHING`,
      [caseId, Boolean(marks.restricted), [...(marks.needToKnow ?? [])]],
    );
  }

  /** The marks last recorded for a case; undefined when none were. */
  async recorded(caseId: string): Promise<RestrictionMarks | undefined> {
    const { rows } = await this.db.query<{ restricted: boolean; need_to_know: string[] }>(
      'SELECT restricted, need_to_know FROM case_restrictions WHERE case_id = $1', [caseId],
    );
    const row = rows[0];
    return row && { restricted: row.restricted, needToKnow: row.need_to_know };
  }
}

/**
 * A case's restriction marks for the codec server: the live workflow's search attributes
 * (HrdaRestricted, HrdaNeedToKnow), recorded in the store as they are read; for a case whose workflow
 * is gone, what the store recorded; undefined for a case neither knows, which the codec server
 * treats as restricted to auditors (it fails closed).
 */
export function caseRestrictionsFrom(client: Client, store: CaseRestrictions, archive?: Pick<ArchivedCases, 'restriction'>): (caseId: string) => Promise<RestrictionMarks | undefined> {
  return async (caseId) => {
    try {
      const { searchAttributes } = await client.workflow.getHandle(caseWorkflowId(caseId)).describe();
      const sa = searchAttributes as Record<string, unknown[] | undefined>;
      const marks = { restricted: sa.HrdaRestricted?.[0] === true, needToKnow: (sa.HrdaNeedToKnow as string[] | undefined) ?? [] };
      await store.record(caseId, marks);
      return marks;
    } catch (err) {
      // Once Temporal has forgotten the case: the restriction recorded in the store, else the one its archived run last had.
      if (err instanceof WorkflowNotFoundError) return (await store.recorded(caseId)) ?? (await archive?.restriction(caseId));
      throw err;
    }
  };
}
