import type { SerializationContext } from '@temporalio/common';
import { isScope, type DataKeyStore } from './data-keys';

/**
 * Whose data key a payload goes under, from the workflow it belongs to (the SDK's serialization
 * context: the workflow itself, the child or external workflow it addresses, or the workflow that
 * scheduled an activity). Workflow IDs are opaque (docs/data-protection.md), so this reads nothing
 * personal:
 * - `case-<caseId>` → `case:<caseId>`;
 * - `dispute-<caseId>-<disputeId>` → `case:<caseId>`, a dispute being part of its case;
 * - `subject-<hash>` → `subject:<hash>`;
 * - anything else (meetings, schedules, retention) → no scope: the key ring.
 */
export class DataKeyScopes {
  private readonly disputes = new Map<string, string>();

  constructor(private readonly store: DataKeyStore) {}

  async of(context: SerializationContext | undefined): Promise<string | undefined> {
    const workflowId = context?.workflowId;
    if (!workflowId) return undefined;
    const scope = workflowId.startsWith('case-')
      ? `case:${workflowId.slice('case-'.length)}`
      : workflowId.startsWith('subject-')
        ? `subject:${workflowId.slice('subject-'.length)}`
        : workflowId.startsWith('dispute-')
          ? await this.disputeCase(workflowId)
          : undefined;
    return scope && isScope(scope) ? scope : undefined;
  }

  /**
   * Case and dispute IDs may both contain "-", so the split is found by asking which case exists:
   * a dispute is raised on a case that has already written payloads, so its key is there.
   */
  private async disputeCase(workflowId: string): Promise<string | undefined> {
    const known = this.disputes.get(workflowId);
    if (known) return known;
    const rest = workflowId.slice('dispute-'.length);
    for (let i = rest.lastIndexOf('-'); i > 0; i = rest.lastIndexOf('-', i - 1)) {
      const scope = `case:${rest.slice(0, i)}`;
      if (isScope(scope) && (await this.store.status(scope))) {
        this.disputes.set(workflowId, scope);
        return scope;
      }
    }
    return undefined;
  }
}
