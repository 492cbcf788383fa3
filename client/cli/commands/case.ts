import { CaseEntries } from '../../../store/entries/case-entries';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { caseFiltersSchema } from '../../../domain/case-filters';
import { getProfile, isProfileId, profiles } from '../../../domain/profiles';
import type { CaseView } from '../../../machines/referral';
import { timelinePage } from '../../audit/report-html';
import { listCases } from '../../case-list';
import { ArchivedCases } from '../../archive/archived-cases';
import { CaseClient, CaseIdRetiredError } from '../../cases';
import { CaseRestrictions } from '../../api/case-restrictions';
import { caseSkeleton, redactTimeline } from '../../api/redaction';
import { describeEntry } from '../../simulate/render';
import { renderCaseSummary } from '../case-summary';
import { caseNow, storeOf, type CommandContext } from '../context';
import { readCaseRecord, renderSkeleton } from '../../case-record';
import { dataKeyStoreFor } from '../../../worker/codec';
import { CliError, formatInstant, renderTable } from '../output';
import { logCliRead, requirePurpose } from '../access-log';
import { discloseCase, type DiscloseOptions } from './disclose';
import { legalHoldsFor, registerHoldCommands } from './hold';
import type { Runner } from './runner';

const cases = (ctx: CommandContext) => new CaseClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, {
  dataKeys: dataKeyStoreFor(ctx.db, ctx.config),
  // A case Temporal no longer has (retention) is read back from the archive.
  archive: new ArchivedCases(ctx.db, ctx.client.options.loadedDataConverter),
  // Its legal holds are on its timeline, and the entries kept in the store (the end of the repeat window).
  holds: legalHoldsFor(ctx),
  entries: new CaseEntries(ctx.db),
});

/** How long a submission waits for the worker to register and route the case. */
const submitTimeoutMs = 30_000;

export async function submitCase(ctx: CommandContext, file: string, opts: { profile?: string; caseId?: string; json?: boolean }): Promise<void> {
  let input: unknown;
  try {
    input = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CliError(`Cannot read the referral in ${file}: ${(err as Error).message}`);
  }
  if (opts.profile && !isProfileId(opts.profile)) throw new CliError(`Unknown profile "${opts.profile}"; known profiles: ${Object.keys(profiles).join(', ')}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(
      `The case was started, but no worker registered it within ${submitTimeoutMs / 1000} s: is the service running (\`hrda start\`)? `
        + `It will go on when a worker for task queue ${ctx.config.HRDA_TASK_QUEUE} runs.${opts.caseId ? ` Case ID: ${opts.caseId}` : ''}`,
    )), submitTimeoutMs);
  });
  try {
    const submitted = await Promise.race([cases(ctx).submitReferral(input, { now: caseNow(ctx), ...(opts.profile ? { profileId: opts.profile } : {}), ...(opts.caseId ? { caseId: opts.caseId } : {}) }), timeout]).catch((err: unknown) => {
      if (err instanceof CaseIdRetiredError) throw new CliError(`--case-id: ${err.message}. \`hrda case show ${err.caseId}\` shows what remains of that case.`);
      throw err;
    });
    const view = submitted.case;
    // For the codec server once the case's workflow is gone (as the API records it).
    await new CaseRestrictions(ctx.db).record(submitted.caseId, view);
    if (opts.json) {
      ctx.io.out(JSON.stringify({ caseId: submitted.caseId, route: view.route, meetingAt: view.meetingAt, stage: view.stage, restricted: Boolean(view.restricted) }, null, 2));
      return;
    }
    ctx.io.out([
      `Case ${submitted.caseId}`,
      `  route    ${view.route ?? 'not yet routed'}${view.repeat ? ` (repeat of case ${view.repeat.previousCaseId})` : ''}`,
      `  meeting  ${view.meetingAt ? `${formatInstant(view.meetingAt)} (daily)` : view.route === 'hrda' ? 'not yet scheduled' : view.mash && view.stage !== 'closed' ? `none yet: the case is in the MASH (${view.stage})` : 'none: referred on, the case is closed'}`,
      ...(view.restricted ? [`  restricted  ${restrictedNote}`] : []),
    ].join('\n'));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The CLI talks to the cluster with the service's own credentials, not a person's token, so it
 * cannot tell who is on a restricted case's need-to-know list: it shows such a case's skeleton and
 * redacted timeline to everyone, and the people on the list read the rest through the API.
 */
const restrictedNote = 'details to the need-to-know list only (through the API, where each read is logged); a chair names who needs to know';

export async function showCase(ctx: CommandContext, caseId: string, opts: { json?: boolean }): Promise<void> {
  requirePurpose(ctx, 'hrda case show');
  const record = await readCaseRecord(cases(ctx), dataKeyStoreFor(ctx.db, ctx.config), caseId, ctx.db);
  const restricted = record.personalData !== 'destroyed' && Boolean(record.case.restricted);
  // A destroyed case's skeleton and a restricted case's are all the CLI shows of them.
  await logCliRead(ctx, 'hrda case show', [caseId], { view: record.personalData === 'destroyed' || restricted ? 'skeleton' : 'full', restrictedCaseIds: restricted ? [caseId] : [] });
  if (record.personalData === 'destroyed') {
    ctx.io.out(opts.json ? JSON.stringify(record, null, 2) : renderSkeleton(record));
    return;
  }
  const view: CaseView = record.case;
  if (opts.json && view.restricted) {
    ctx.io.err(`Case ${caseId} is restricted: --json shows its skeleton; ${restrictedNote}.`);
    ctx.io.out(JSON.stringify(caseSkeleton(view), null, 2));
    return;
  }
  if (opts.json) {
    ctx.io.out(JSON.stringify(view, null, 2));
    return;
  }
  let profile;
  try {
    profile = getProfile(view.profile);
  } catch {
    profile = undefined;
  }
  ctx.io.out(renderCaseSummary(view, profile, caseNow(ctx)));
}

export interface ListOptions {
  stage?: string;
  risk?: string;
  route?: string;
  overdue?: boolean | string;
  restricted?: boolean | string;
  meetingDate?: string;
  agency?: string;
  profile?: string;
  limit?: string;
  json?: boolean;
}

export async function listCasesCommand(ctx: CommandContext, opts: ListOptions): Promise<void> {
  const parsed = caseFiltersSchema.safeParse({
    stage: opts.stage,
    risk: opts.risk,
    route: opts.route,
    overdue: opts.overdue === undefined ? undefined : String(opts.overdue),
    restricted: opts.restricted === undefined ? undefined : String(opts.restricted),
    meetingDate: opts.meetingDate,
    agency: opts.agency,
    profile: opts.profile,
    ...(opts.limit !== undefined ? { pageSize: opts.limit } : {}),
  });
  if (!parsed.success) {
    const option = (path: PropertyKey) => `--${String(path) === 'pageSize' ? 'limit' : String(path).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new CliError(`Invalid filters:\n${parsed.error.issues.map((i) => `  ${option(i.path[0] ?? '')}: ${i.message}`).join('\n')}`);
  }
  const items = await listCases(storeOf(ctx), parsed.data);
  if (opts.json) {
    ctx.io.out(JSON.stringify(items, null, 2));
    return;
  }
  if (items.length === 0) {
    ctx.io.out('No cases match.');
    return;
  }
  ctx.io.out(renderTable(
    ['Case', 'Stage', 'Risk', 'Route', 'Next meeting', 'Next deadline', 'Overdue', 'Disputes', 'Restricted', 'Started'],
    items.map((c) => [c.caseId, c.stage, c.risk, c.route, c.nextMeeting ? formatInstant(c.nextMeeting) : '', c.nextDeadline ? formatInstant(c.nextDeadline) : '', c.overdueActions || '', c.openDisputes || '', c.restricted ? 'yes' : '', formatInstant(c.startedAt)]),
  ));
  ctx.io.out(`${items.length} case${items.length === 1 ? '' : 's'}${items.length >= parsed.data.pageSize ? ` (the first ${parsed.data.pageSize}; --limit shows more)` : ''}`);
}

export const timelineFormats = ['text', 'json', 'html'] as const;

export async function caseTimeline(ctx: CommandContext, caseId: string, opts: { format?: string; out?: string }): Promise<void> {
  const format = opts.format ?? 'text';
  if (!timelineFormats.includes(format as (typeof timelineFormats)[number])) throw new CliError(`--format must be one of ${timelineFormats.join(', ')} (got "${format}")`);
  requirePurpose(ctx, 'hrda case timeline');
  const client = cases(ctx);
  let timeline = await client.timeline(caseId);
  const restricted = timeline.some((e) => e.type === 'case.restricted');
  await logCliRead(ctx, 'hrda case timeline', [caseId], { view: restricted ? 'skeleton' : 'full', restrictedCaseIds: restricted ? [caseId] : [] });
  if (restricted) {
    // Rationales, names and free text left out, as for ops through the API.
    ctx.io.err(`Case ${caseId} is restricted: the timeline is shown without rationales, names or free text; ${restrictedNote}.`);
    timeline = redactTimeline(timeline) as unknown as typeof timeline;
  }
  const text = format === 'json'
    ? JSON.stringify(timeline, null, 2)
    : format === 'html'
      ? timelinePage(caseId, timeline)
      : timeline.length ? timeline.map(describeEntry).join('\n') : 'No entries yet.';
  if (opts.out) {
    await writeFile(opts.out, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
    ctx.io.err(`Wrote ${opts.out}`);
  } else {
    ctx.io.out(text);
  }
}

export function registerCaseCommands(program: Command, run: Runner): void {
  const group = program.command('case').description('submit, inspect and list cases (connects with the configuration from the environment)');

  group
    .command('submit')
    .description('submit a referral (docs/contract.md §1) from a JSON file; prints the case ID, its route and its meeting')
    .argument('<file>', 'referral JSON file')
    .option('--profile <id>', 'the profile (local protocol) to run the case under')
    .option('--case-id <id>', 'the case ID to use; submitting again with the same ID finds the same case')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { profile?: string; caseId?: string; json?: boolean }) => run((ctx) => submitCase(ctx, file, opts)));

  group
    .command('show')
    .description('a readable summary of a case: stage, risk, route, meeting, deadlines, checks, summaries, actions, leads, review, disputes, closure')
    .argument('<caseId>')
    .option('--json', 'print the case view as JSON (includes personal data)')
    .option('--purpose <why>', 'why you read this personal data (required; written to the access log with your OS user name)')
    .action((caseId: string, opts: { json?: boolean; purpose?: string }) => run((ctx) => showCase(ctx, caseId, opts), { purpose: opts.purpose }));

  group
    .command('list')
    .description('cases matching the filters, from search attributes, newest first, as a table')
    .option('--stage <stage>', 'received, preparing, at-meeting, monitoring or closed; for a MASH profile also screening, rag-rating, triage or mash-meeting')
    .option('--risk <risk>', 'standard, medium or high')
    .option('--route <route>', 'hrda, medium-risk-offer or standard-risk-offer')
    .option('--overdue [yes]', 'only cases with overdue actions (--overdue false: none overdue)')
    .option('--restricted [yes]', 'only restricted cases (--restricted false: only unrestricted ones)')
    .option('--meeting-date <date>', 'cases whose next meeting is on this Europe/London date (YYYY-MM-DD)')
    .option('--agency <id>', 'cases an agency is involved in')
    .option('--profile <id>', 'cases run under this profile')
    .option('--limit <n>', 'at most this many cases (1–500)', '50')
    .option('--json', 'print the list as JSON')
    .action((opts: ListOptions) => run((ctx) => listCasesCommand(ctx, { ...opts, overdue: opts.overdue === 'yes' ? true : opts.overdue, restricted: opts.restricted === 'yes' ? true : opts.restricted })));

  group
    .command('timeline')
    .description("a case's timeline: text (one line per entry), JSON, or a standalone HTML page")
    .argument('<caseId>')
    .option('--format <format>', 'text, json or html', 'text')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--purpose <why>', 'why you read this personal data (required; written to the access log with your OS user name)')
    .action((caseId: string, opts: { format?: string; out?: string; purpose?: string }) => run((ctx) => caseTimeline(ctx, caseId, opts), { purpose: opts.purpose }));

  group
    .command('disclose')
    .description("export a case for a third party (court, child protection, adult safeguarding, another process) under the chair's recorded consent; refused without it; logged as a disclosure")
    .argument('<caseId>')
    .requiredOption('--consent <id>', 'the consentId the chair recorded on the case (recordDisclosureConsent)')
    .option('--out <file>', 'write the export to this file (readable by its owner only) instead of stdout')
    .option('--by <name>', 'who makes the export, for the access log (default: the operating-system user)')
    .action((caseId: string, opts: DiscloseOptions) => run((ctx) => discloseCase(ctx, caseId, opts)));

  registerHoldCommands(group, run);
}
