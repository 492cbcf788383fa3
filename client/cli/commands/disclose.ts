import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { AccessLog } from '../../api/access-log';
import { cliSub } from '../access-log';
import { CaseClient } from '../../cases';
import { DisclosureRefusedError, thirdPartyExport } from '../../disclosure/third-party-export';
import { caseNow, type CommandContext } from '../context';
import { CliError } from '../output';

export interface DiscloseOptions {
  consent: string;
  out?: string;
  /** Who makes the export, for the access log; the operating-system user by default. */
  by?: string;
  now?: Date;
}

/**
 * `hrda case disclose`: a case exported for a third party under the chair's recorded consent
 * ([002] 3.39–3.40), as GET /cases/:caseId/disclosures/:consentId gives it, and logged in the same
 * access log as a disclosure.
 */
export async function discloseCase(ctx: CommandContext, caseId: string, opts: DiscloseOptions): Promise<void> {
  const cases = new CaseClient(ctx.client, ctx.config.HRDA_TASK_QUEUE);
  const [view, timeline] = await Promise.all([cases.state(caseId), cases.timeline(caseId)]);
  // The CLI acts with the service's credentials, not a person's: it cannot tell who is on a
  // restricted case's need-to-know list, so such a case is exported through the API only.
  if (view.restricted) throw new CliError(`Case ${caseId} is restricted to a need-to-know list: export it through the API (GET /cases/${caseId}/disclosures/${opts.consent}) as someone on the list.`);
  const now = opts.now ?? caseNow(ctx);
  let exported;
  try {
    exported = thirdPartyExport(view, timeline, opts.consent, now);
  } catch (err) {
    if (err instanceof DisclosureRefusedError) throw new CliError(err.message);
    throw err;
  }
  await new AccessLog(ctx.db).record([{
    at: now.toISOString(), sub: opts.by ? `cli:${opts.by}` : cliSub(), role: 'administrator', caseId, action: 'disclose',
    route: 'hrda case disclose', view: 'full', purpose: `${exported.consent.purpose} disclosure`, requestId: randomUUID(), consentId: opts.consent,
  }]);
  const text = JSON.stringify(exported, null, 2) + '\n';
  if (opts.out) {
    await writeFile(opts.out, text, { mode: 0o600 });
    ctx.io.err(`Wrote ${opts.out}: case ${caseId} for ${exported.consent.recipient} under consent ${opts.consent} (logged as a disclosure)`);
  } else {
    ctx.io.out(text);
  }
}
