import { apiRoles, type ApiRole } from '../../../domain/auth';
import type { CatalogueEntry } from '../../../client/api/route-catalogue';
import type { Client } from '@temporalio/client';
import { caseWorkflowId } from '../../../workflows/referral.messages';
import { tokenFor } from '../../api/harness';

/** Who calls: each API role, and someone with no token at all. */
export const noToken = 'no token';
export type Caller = ApiRole | typeof noToken;
export const callers: readonly Caller[] = [...apiRoles, noToken];

/** Every caller acts for the agency that referred the test's cases where its role has an agency at all. */
export const callerAgency = 'police';
const agencyOf = (role: ApiRole): string | undefined => (role === 'auditor' || role === 'ops' ? undefined : callerAgency);

export const authorisation = (caller: Caller): Record<string, string> =>
  caller === noToken ? {} : { authorization: `Bearer ${tokenFor(caller, agencyOf(caller))}` };

/** The `sub` of a caller's token (test/support/identity.ts's default), which keyed case IDs are derived from. */
export const subOf = (role: ApiRole): string => `test-${role}${agencyOf(role) ? `-${agencyOf(role)}` : ''}`;

/** `METHOD /url` as the catalogue, the table and docs/security.md name a route. */
export const routeKey = (r: Pick<CatalogueEntry, 'method' | 'url'>) => `${r.method} ${r.url}`;

/** The names of a route's path parameters, `*` for a wildcard. */
export const pathParams = (url: string): string[] => [...url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((m) => m[1] ?? '*');

/** The route's URL with its parameters filled in (each encoded as a path segment). */
export function fillPath(url: string, values: Record<string, string>): string {
  return url.replace(/:([A-Za-z0-9_]+)|\*/g, (whole, name: string | undefined) => {
    const value = values[name ?? '*'];
    if (value === undefined) throw new Error(`no value for ${whole} in ${url}`);
    return name === undefined ? value : encodeURIComponent(value);
  });
}

/** Whether a problem says the caller's role is refused, as client/api/auth.ts and client/api/codec.ts word it. */
export const refusesRole = (detail: unknown): boolean => typeof detail === 'string' && /^The [a-z-]+ role (may not call|is not shown payloads)/.test(detail);

/**
 * The updates a case's workflow has accepted (WorkflowExecutionUpdateAccepted events in its history):
 * every write that changes a case is one, and an update the case refuses never reaches the history
 * (workflows/case/commands.ts). What a refused request must not add — unlike the timeline, which the
 * case and its disputes add to on their own meanwhile.
 */
export async function acceptedUpdates(temporal: Client, caseId: string): Promise<number> {
  const history = await temporal.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}
