import { DateTime } from 'luxon';
import type { AgencyId } from '../domain/actor';
import { calendarZone } from '../domain/calendar';
import { incidentWindowOf } from '../domain/cutoffs';
import type { Profile } from '../domain/profile';
import type { ReferralSource } from '../domain/referral';
import { sourceOf } from '../domain/triage';
import type { Instant } from '../domain/time';
import type { MaracCategory } from '../domain/marac';
import type { Attendance, OutstandingAction, RolledOver } from '../machines/meeting';
import type { CaseView, MatrixAction } from '../machines/referral';
import type { MeetingRef, PapersItem } from '../workflows/meeting-activity-types';
import { escapeHtml } from '../domain/text';
import { notificationFooter } from './notify';

/**
 * The papers a meeting circulates — the daily pack, the HRDAP case summaries, the minutes and
 * HRDA Matrix — as Markdown (the mail's text part) and HTML. Every value from a case goes
 * through an escaper: names and free text are never read as markup. The perpetrator's contact
 * details are never rendered (PROTOCOL.md §1.1 invariant); nor are the victim's.
 */

// ---------------------------------------------------------------- escaping and templates

/** HTML that is already safe: built by `h`, or a constant. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const renderValue = (v: unknown): string => {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(renderValue).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
};

/** A template whose interpolations are escaped unless they are SafeHtml (or arrays of it). */
export function h(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += renderValue(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * Markdown inline text: characters Markdown or HTML would read as syntax inside a line are
 * backslash-escaped (an entity-like `&` too), so the text part stays plain to read; line
 * breaks become spaces. A value never starts a line, except through `mdParagraphs`.
 */
export function md(text: unknown): string {
  return String(text ?? '')
    .replace(/\r?\n+/g, ' ')
    .replace(/([\\`*_[\]<>|~])/g, '\\$1')
    .replace(/&(?=#?\w+;)/g, '\\&');
}

/** Free text kept as paragraphs (each escaped, and safe at the start of a line), e.g. as a block quote. */
const mdParagraphs = (text: string, prefix = ''): string[] =>
  text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => prefix + md(p.trim()).replace(/^([#+=>-]|\d+[.)])/, '\\$1'))
    .flatMap((line, i) => (i === 0 ? [line] : [prefix.trimEnd(), line]));

const htmlParagraphs = (text: string): SafeHtml[] => text.split(/\r?\n\s*\r?\n/).map((p) => h`<p>${p}</p>`);

// ---------------------------------------------------------------- formatting

export const londonDateTime = (at: Instant) => DateTime.fromISO(at, { zone: calendarZone }).toFormat('cccc d LLLL yyyy, HH:mm');
const londonShort = (at: Instant) => DateTime.fromISO(at, { zone: calendarZone }).toFormat('d LLL yyyy HH:mm');

export const agencyName = (profile: Profile, id: AgencyId | null | undefined) => (id ? (profile.agencies.find((a) => a.id === id)?.name ?? id) : 'not set');
export const caseRef = (caseId: string) => caseId.slice(0, 8);
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

const meetingTitle = (profile: Profile, ref: MeetingRef) =>
  ref.kind === 'marac' ? `${profile.marac?.name ?? 'MARAC'} — ${londonDateTime(ref.meetingAt)}` : ref.kind === 'daily' ? `${profile.dailyMeeting.name ?? 'HRDA daily meeting'} — ${londonDateTime(ref.meetingAt)}` : `HRDAP management meeting — ${londonDateTime(ref.meetingAt)}`;

const victimContactOutcome: Record<string, string> = {
  'views-recorded': 'views recorded',
  'unable-to-contact': 'unable to contact',
  'unsafe-to-contact': 'unsafe to contact',
};

const itemLabel: Record<PapersItem['item'], string> = {
  'new-referral': 'new referral',
  'rolled-over': 'rolled over from an earlier meeting',
  'management-review': 'management review',
  'marac-referral': 'referred on by the daily meeting',
};

const categoryLabel: Record<MaracCategory, string> = {
  'information-only': 'information only',
  'significant-update': 'significant update',
  'full-discussion': 'full discussion',
};

const qaLabel: Record<NonNullable<PapersItem['qa']>, string> = {
  'awaiting-qa': 'awaiting the chairs’ QA',
  accepted: 'accepted by the chairs',
  'not-quality-assured': 'not quality-assured (no decision by the QA point)',
};

const confidentiality = 'OFFICIAL-SENSITIVE. Shared under the HRDA Personal Information Sharing Agreement for the safety of the people named. Do not forward; never share with the perpetrator or anyone connected to them.';

// ---------------------------------------------------------------- a case, as the papers show it

export interface PapersCase extends PapersItem {
  /** The case's state when the papers were made, or null when it could not be read (`problem` says why). */
  state: CaseView | null;
  problem?: string;
  /** Its personal data was destroyed at the end of its retention (crypto-shredding): when, and why. */
  destroyed?: { at: Instant; reason: string };
}

interface Section {
  heading: string;
  markdown: string[];
  html: SafeHtml;
}

function referralSection(profile: Profile, s: CaseView): Section {
  const r = s.referral;
  const a = r.assessment;
  const lines: [string, string][] = [
    ['Risk', `${s.risk}${a.override ? ` (professional judgement: ${a.override.rationale})` : ''}`],
    ['Assessment', `${a.tool}${a.score !== undefined ? `, score ${a.score}` : ''}`],
    ['Received', `${londonShort(s.receivedAt)} from ${agencyName(profile, r.referrer.agency)}`],
    ...(s.repeat ? [['Repeat', `previous case ${caseRef(s.repeat.previousCaseId)} (received ${londonShort(s.repeat.previousReceivedAt)})`] as [string, string]] : []),
    ['Trigger incident', `${londonShort(r.incident.occurredAt)}: ${r.incident.summary}`],
    ...(r.incident.flags.length ? [['Flags', r.incident.flags.join(', ')] as [string, string]] : []),
    ['Victim', `${r.victim.name}, born ${r.victim.dateOfBirth}; consent to share: ${yesNo(r.victim.consent.share)}, to be contacted: ${yesNo(r.victim.consent.contact)}`],
    ['Perpetrator', `${r.perpetrator.name}${r.perpetrator.dateOfBirth ? `, born ${r.perpetrator.dateOfBirth}` : ''}${r.perpetrator.mappaLevel ? `, MAPPA level ${r.perpetrator.mappaLevel}` : ''}`],
    ['Children', r.children.length ? r.children.map((c) => `${c.name} (born ${c.dateOfBirth})`).join('; ') : 'none linked'],
    ...(r.household.length ? [['Household', r.household.map((m) => `${m.name} (${m.relationship})`).join('; ')] as [string, string]] : []),
  ];
  return {
    heading: 'Referral summary',
    markdown: lines.map(([k, v]) => `- **${md(k)}:** ${md(v)}`),
    html: h`<dl class="facts">${lines.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`,
  };
}

const sourceLabel: Record<ReferralSource, string> = {
  'police-incident': 'police incident',
  'third-party': 'MARAC/3rd party referral',
  'marac-transfer': 'MARAC transfer',
  dvds: 'Domestic Violence Disclosure Scheme',
  dvpo: 'Domestic Violence Protection Order',
};

/** For a profile that triages ([002] 2.2, 2.5, 2.20): what brought the case, and the police incident window. */
function triageSection(profile: Profile, ref: MeetingRef, s: CaseView): Section | null {
  if (!profile.routing.triage) return null;
  const source = sourceOf(profile, s.referral);
  const window = source === 'police-incident' ? incidentWindowOf(profile, ref.date) : undefined;
  const occurredAt = s.referral.incident.occurredAt;
  const lines: [string, string][] = [
    ['Type', `${sourceLabel[source]}${s.repeat && s.risk === 'standard' ? ' (MARAC repeat, standard risk)' : ''}`],
    ...(window ? [['Incident window', `${londonShort(window.from)} to ${londonShort(window.to)}: the incident ${window.from <= occurredAt && occurredAt <= window.to ? 'is inside it' : 'happened before it (a late police referral)'}`] as [string, string]] : []),
  ];
  return {
    heading: 'Triage',
    markdown: lines.map(([k, v]) => `- **${md(k)}:** ${md(v)}`),
    html: h`<dl class="facts">${lines.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`,
  };
}

function checksSection(s: CaseView): Section {
  const rows = s.checks.map((c) => ({
    system: c.system.toUpperCase(),
    status: c.status === 'completed' ? `${c.hits ?? c.records?.length ?? 0} record(s)` : c.status === 'pending' ? 'still running' : `not available: ${c.error ?? 'unavailable'}`,
    records: (c.records ?? []).map((x) => `${x.reference}: ${x.summary}`),
  }));
  return {
    heading: 'Background checks (Niche, PND, PNC)',
    markdown: [
      '| System | Result | Records |',
      '| --- | --- | --- |',
      ...rows.map((r) => `| ${md(r.system)} | ${md(r.status)} | ${r.records.map(md).join('<br>') || '—'} |`),
    ],
    html: h`<table><thead><tr><th>System</th><th>Result</th><th>Records</th></tr></thead><tbody>${rows.map(
      (r) => h`<tr><td>${r.system}</td><td>${r.status}</td><td>${r.records.length ? h`<ul>${r.records.map((x) => h`<li>${x}</li>`)}</ul>` : '—'}</td></tr>`,
    )}</tbody></table>`,
  };
}

const summaryParts = [
  ['involvement', 'Service involvement'],
  ['risks', 'Risks identified'],
  ['actionsTaken', 'What the service has done to make the family safer'],
  ['recommendations', 'Recommended HRDA actions'],
] as const;

function summariesSection(profile: Profile, s: CaseView): Section {
  const returned = Object.entries(s.summaries).flatMap(([agency, v]) => (v ? [{ agency, ...v }] : []));
  const missing = profile.infoRequest.agencies.filter((a) => !s.summaries[a]);
  return {
    heading: 'Agency summaries',
    markdown: [
      ...(returned.length ? [] : ['No agency has returned a summary.']),
      ...returned.flatMap((r, i) => [
        ...(i ? [''] : []),
        `#### ${md(agencyName(profile, r.agency))} (received ${md(londonShort(r.receivedAt))})`,
        ...summaryParts.map(([key, label]) => `- **${md(label)}:** ${md(r.summary[key])}`),
      ]),
      '',
      `**Not returned:** ${missing.length ? missing.map((a) => md(agencyName(profile, a))).join(', ') : 'none — every agency asked has returned a summary'}`,
    ],
    html: h`${returned.length ? '' : h`<p>No agency has returned a summary.</p>`}${returned.map(
      (r) => h`<h4>${agencyName(profile, r.agency)} <span class="muted">received ${londonShort(r.receivedAt)}</span></h4><dl class="facts">${summaryParts.map(
        ([key, label]) => h`<dt>${label}</dt><dd>${r.summary[key]}</dd>`,
      )}</dl>`,
    )}<p class="${missing.length ? 'warn' : ''}"><strong>Not returned:</strong> ${missing.length ? missing.map((a) => agencyName(profile, a)).join(', ') : 'none — every agency asked has returned a summary'}</p>`,
  };
}

function victimVoiceSection(profile: Profile, s: CaseView): Section {
  const v = s.victimContact;
  const line = v ? `${victimContactOutcome[v.outcome] ?? v.outcome} (${londonShort(v.at)}, ${agencyName(profile, v.by.agency)})` : 'not yet recorded by the Domestic Abuse Advisor';
  return {
    heading: "The victim's voice",
    markdown: [`**Contact:** ${md(line)}`, ...(v?.views ? ['', ...mdParagraphs(v.views, '> ')] : [])],
    html: h`<p><strong>Contact:</strong> ${line}</p>${v?.views ? h`<blockquote>${htmlParagraphs(v.views)}</blockquote>` : ''}`,
  };
}

function previousPlanSection(s: CaseView): Section | null {
  const plan = s.repeat?.plan;
  if (!plan || plan.outstandingActions.length === 0) return null;
  return {
    heading: 'Outstanding actions from the previous case (to review, not to set again)',
    markdown: plan.outstandingActions.map((a) => `- ${md(a.id)} (${md(a.owner)}, ${md(a.status)}): ${md(a.description)}`),
    html: h`<ul>${plan.outstandingActions.map((a) => h`<li><strong>${a.id}</strong> (${a.owner}, ${a.status}): ${a.description}</li>`)}</ul>`,
  };
}

function matrixSection(profile: Profile, s: CaseView, heading = 'HRDA Matrix'): Section {
  const leads = Object.entries(s.leads).flatMap(([who, l]) => (l ? [`${who}: ${agencyName(profile, l.agency)} (${l.basis})`] : []));
  return {
    heading,
    markdown: [
      `**Risks:** ${s.risks.length ? s.risks.map(md).join('; ') : 'none recorded'}`,
      '',
      ...(s.actions.length
        ? ['| Action | Owner | Description | Update due | Status |', '| --- | --- | --- | --- | --- |', ...s.actions.map((a) => `| ${md(a.id)} | ${md(agencyName(profile, a.owner))} | ${md(a.description)} | ${md(londonShort(a.dueAt))} | ${md(a.status)}${a.overdue ? ' (overdue)' : ''} |`)]
        : ['No actions agreed.']),
      ...(leads.length ? ['', `**Lead professionals:** ${leads.map(md).join('; ')}`] : []),
    ],
    html: h`<p><strong>Risks:</strong> ${s.risks.length ? s.risks.join('; ') : 'none recorded'}</p>${
      s.actions.length
        ? h`<table><thead><tr><th>Action</th><th>Owner</th><th>Description</th><th>Update due</th><th>Status</th></tr></thead><tbody>${s.actions.map(
          (a) => h`<tr><td>${a.id}</td><td>${agencyName(profile, a.owner)}</td><td>${a.description}</td><td>${londonShort(a.dueAt)}</td><td>${a.status}${a.overdue ? ' (overdue)' : ''}</td></tr>`,
        )}</tbody></table>`
        : h`<p>No actions agreed.</p>`
    }${leads.length ? h`<p><strong>Lead professionals:</strong> ${leads.join('; ')}</p>` : ''}`,
  };
}

function reviewSection(profile: Profile, s: CaseView, item: PapersItem): Section {
  const review = s.review;
  const lines: [string, string][] = review
    ? [
      ['Reason', review.reason],
      ['Put forward by', `${agencyName(profile, review.requestedBy.agency)} on ${londonShort(review.requestedAt)}`],
      ['Chairs’ QA', item.qa ? qaLabel[item.qa] : 'awaiting the chairs’ QA'],
      ['First heard at HRDA', s.heardAt ? londonShort(s.heardAt) : 'not heard'],
    ]
    : [['Review', 'no management review is pending on the case (returned or already heard)']];
  return {
    heading: 'Management review request',
    markdown: [...lines.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), ...(review ? ['', '**Case summary from the lead professional:**', '', ...mdParagraphs(review.summary, '> ')] : [])],
    html: h`<dl class="facts">${lines.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl>${review ? h`<p><strong>Case summary from the lead professional:</strong></p><blockquote>${htmlParagraphs(review.summary)}</blockquote>` : ''}`,
  };
}

// ---------------------------------------------------------------- documents

export interface RenderedPapers {
  subject: string;
  markdown: string;
  html: string;
}

interface DocumentPart {
  heading: string;
  anchor: string;
  markdown: string[];
  html: SafeHtml;
}

const style = `
  body { font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; color: #1d1d1d; max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
  h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.3em; border-top: 2px solid #1d1d1d; padding-top: 0.6em; margin-top: 1.6em; }
  h3 { font-size: 1.1em; margin-bottom: 0.3em; } h4 { font-size: 1em; margin: 0.8em 0 0.2em; }
  .banner { background: #fff4d6; border-left: 6px solid #b58100; padding: 0.6em 1em; }
  .muted { color: #505050; font-weight: normal; font-size: 0.9em; } .warn { color: #8a1c00; }
  table { border-collapse: collapse; width: 100%; margin: 0.4em 0; } th, td { border: 1px solid #b1b4b6; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
  th { background: #f3f2f1; } td ul { margin: 0; padding-left: 1.2em; }
  dl.facts { display: grid; grid-template-columns: 14em 1fr; gap: 0.2em 1em; margin: 0.4em 0; } dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
  blockquote { border-left: 4px solid #b1b4b6; margin: 0.4em 0; padding: 0.1em 1em; background: #f8f8f8; }
  ol.agenda li { margin: 0.2em 0; } footer { margin-top: 2em; font-size: 0.9em; color: #505050; border-top: 1px solid #b1b4b6; }`;

function document(title: string, intro: { markdown: string[]; html: SafeHtml }, parts: DocumentPart[]): { markdown: string; html: string } {
  const markdown = [
    `# ${md(title)}`,
    '',
    `> ${md(confidentiality)}`,
    '',
    ...intro.markdown,
    ...parts.flatMap((p) => ['', `## ${md(p.heading)}`, '', ...p.markdown]),
    '',
    '---',
    md(notificationFooter),
    '',
  ].join('\n');
  const html = h`<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${new SafeHtml(style)}</style></head>
<body>
<h1>${title}</h1>
<p class="banner">${confidentiality}</p>
${intro.html}
${parts.map((p) => h`<section id="${p.anchor}"><h2>${p.heading}</h2>${p.html}</section>\n`)}
<footer><p>${notificationFooter}</p></footer>
</body>
</html>
`.value;
  return { markdown, html };
}

const sectionsToPart = (sections: (Section | null)[]) => ({
  markdown: sections.flatMap((s) => (s ? ['', `### ${md(s.heading)}`, '', ...s.markdown] : [])).slice(1),
  html: h`${sections.map((s) => (s ? h`<h3>${s.heading}</h3>${s.html}` : ''))}`,
});

const unreadable = (c: PapersCase) => ({
  markdown: [`The case could not be read when the papers were made (${md(c.problem ?? 'unknown reason')}). Ask the administrator.`],
  html: h`<p class="warn">The case could not be read when the papers were made (${c.problem ?? 'unknown reason'}). Ask the administrator.</p>`,
});

/**
 * A case whose data key was destroyed at the end of its retention: papers read again afterwards
 * show this line where its details were (docs/data-protection.md, retention by crypto-shredding).
 */
export const destroyedPlaceholder = 'personal data destroyed at the end of its retention';
const destroyedBody = (c: PapersCase) => {
  const line = `The personal data of this case was destroyed on ${londonShort(c.destroyed!.at)} (${c.destroyed!.reason}); nothing about the people in it can be shown. What remains of the case: \`hrda case show ${c.caseId}\`.`;
  return {
    markdown: [`**${md(destroyedPlaceholder)}.** ${md(line)}`],
    html: h`<p class="warn"><strong>${destroyedPlaceholder}.</strong> ${line}</p>`,
  };
};

/**
 * A restricted case (domain/restriction.ts; 003 §18.3) is one line in papers that go to every
 * attending agency: no risk level, no household, nothing from the referral, the summaries or the
 * matrix. Its details are not mailed at all — no agency mailbox is need-to-know — and the people on
 * its list read the case itself through the service, where each read is access-logged.
 */
export const restrictedPlaceholder = 'restricted case: details to the need-to-know list only';
const restrictedNote = 'The police lead this case. The people on its need-to-know list read it through the HRDA service (each read is logged); ask the chair if you need to know.';
const isRestricted = (c: PapersCase) => Boolean(c.state?.restricted);

const restrictedBody = () => ({
  markdown: [`**${md(restrictedPlaceholder)}.** ${md(restrictedNote)}`],
  html: h`<p class="warn"><strong>${restrictedPlaceholder}.</strong> ${restrictedNote}</p>`,
});

function caseHeading(c: PapersCase): string {
  const s = c.state;
  if (c.destroyed) return `${c.position}. Case ${caseRef(c.caseId)} — ${[destroyedPlaceholder, itemLabel[c.item], c.lateAddition ? 'added after the agenda froze' : null].filter(Boolean).join(', ')}`;
  if (isRestricted(c)) return `${c.position}. Case ${caseRef(c.caseId)} — ${[restrictedPlaceholder, itemLabel[c.item], c.lateAddition ? 'added after the agenda froze' : null].filter(Boolean).join(', ')}`;
  const bits = [s ? `${s.risk} risk` : null, s && s.referral.children.length ? 'children linked' : null, c.item === 'marac-referral' && s?.marac ? categoryLabel[s.marac.category] : null, itemLabel[c.item], c.lateAddition ? 'added after the agenda froze' : null];
  return `${c.position}. Case ${caseRef(c.caseId)} — ${bits.filter(Boolean).join(', ')}`;
}

function agendaList(cases: PapersCase[]) {
  return {
    markdown: cases.length ? cases.map((c) => `${c.position}. [${md(caseHeading(c).replace(/^\d+\. /, ''))}](#case-${caseRef(c.caseId)})`) : ['No cases are on the agenda.'],
    html: cases.length
      ? h`<ol class="agenda">${cases.map((c) => h`<li><a href="#case-${caseRef(c.caseId)}">${caseHeading(c).replace(/^\d+\. /, '')}</a></li>`)}</ol>`
      : h`<p>No cases are on the agenda.</p>`,
  };
}

/** The daily meeting pack (PROTOCOL.md §1.2–1.3): per case the referral, checks, agency summaries, non-returns and the victim's voice. */
export function renderDailyPack(profile: Profile, ref: MeetingRef, revision: number, cases: PapersCase[]): RenderedPapers {
  const title = meetingTitle(profile, ref);
  const facts = [
    ['Facilitator', agencyName(profile, ref.facilitator)],
    ['Cases', String(cases.length)],
    ['Pack', revision > 1 ? `revision ${revision} (the agenda changed after it froze)` : 'as the agenda froze'],
  ] as const;
  const agenda = agendaList(cases);
  const intro = {
    markdown: [...facts.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), '', '## Agenda', '', ...agenda.markdown],
    html: h`<dl class="facts">${facts.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl><h2>Agenda</h2>${agenda.html}`,
  };
  const parts = cases.map((c): DocumentPart => {
    const body = c.destroyed
      ? destroyedBody(c)
      : isRestricted(c)
        ? restrictedBody()
        : c.state
          ? sectionsToPart([triageSection(profile, ref, c.state), referralSection(profile, c.state), checksSection(c.state), summariesSection(profile, c.state), victimVoiceSection(profile, c.state), previousPlanSection(c.state)])
          : unreadable(c);
    return { heading: caseHeading(c), anchor: `case-${caseRef(c.caseId)}`, ...body };
  });
  return { subject: `${title} — meeting pack${revision > 1 ? ` (revision ${revision})` : ''}, ${cases.length} case(s)`, ...document(`${title}: meeting pack`, intro, parts) };
}

/** The HRDAP case summaries circulated a week ahead (PROTOCOL.md §1.5). */
export function renderHrdapPapers(profile: Profile, ref: MeetingRef, revision: number, cases: PapersCase[]): RenderedPapers {
  const title = meetingTitle(profile, ref);
  const agenda = agendaList(cases);
  const facts = [
    ['Facilitator', ref.facilitator ? agencyName(profile, ref.facilitator) : 'an agency representative'],
    ['Cases', String(cases.length)],
  ] as const;
  const intro = {
    markdown: [...facts.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), '', '## Agenda', '', ...agenda.markdown],
    html: h`<dl class="facts">${facts.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl><h2>Agenda</h2>${agenda.html}`,
  };
  const parts = cases.map((c): DocumentPart => {
    const body = c.destroyed
      ? destroyedBody(c)
      : isRestricted(c)
        ? restrictedBody()
        : c.state
          ? sectionsToPart([reviewSection(profile, c.state, c), referralSection(profile, c.state), matrixSection(profile, c.state, 'HRDA Matrix so far')])
          : unreadable(c);
    return { heading: caseHeading(c), anchor: `case-${caseRef(c.caseId)}`, ...body };
  });
  return { subject: `${title} — case summaries${revision > 1 ? ` (revision ${revision})` : ''}, ${cases.length} case(s)`, ...document(`${title}: case summaries`, intro, parts) };
}

function maracReferralSection(profile: Profile, s: CaseView): Section {
  const m = s.marac;
  const lines: [string, string][] = m
    ? [
      ['Category', categoryLabel[m.category]],
      ['Referred by the daily meeting', `${londonShort(m.referredAt)}${m.referredBy.agency ? ` (${agencyName(profile, m.referredBy.agency)})` : ''}`],
      ['Heard at the daily meeting', s.heardAt ? londonShort(s.heardAt) : 'not heard'],
    ]
    : [['Referral', 'the case is no longer referred to this MARAC']];
  return {
    heading: 'Referral to the MARAC',
    markdown: [...lines.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), ...(m ? ['', '**Rationale:**', '', ...mdParagraphs(m.rationale, '> ')] : [])],
    html: h`<dl class="facts">${lines.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl>${m ? h`<p><strong>Rationale:</strong></p><blockquote>${htmlParagraphs(m.rationale)}</blockquote>` : ''}`,
  };
}

/**
 * The MARAC's papers ([002] 3.4–3.5, 3.7, 3.12): the actions outstanding from the previous MARAC
 * first, then per case, in the order of 3.7, the referral as the daily meeting had it, the notes of
 * what was shared there and the actions it set.
 */
export function renderMaracPapers(profile: Profile, ref: MeetingRef, revision: number, outstanding: OutstandingAction[], cases: PapersCase[]): RenderedPapers {
  const title = meetingTitle(profile, ref);
  const facts = [
    ['Chair', agencyName(profile, ref.facilitator)],
    ['Cases', String(cases.length)],
    ['Papers', revision > 1 ? `revision ${revision} (a case was added after the papers went out)` : 'as circulated by the papers deadline'],
  ] as const;
  const agenda = agendaList(cases);
  const outstandingLines = outstanding.map((a) => `Case ${caseRef(a.caseId)}, action ${a.actionId} — ${agencyName(profile, a.owner)}, ${a.status}, update due ${londonShort(a.dueAt)}`);
  const intro = {
    markdown: [...facts.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), '', '## Agenda', '', '1. Actions outstanding from the previous MARAC', '', ...agenda.markdown],
    html: h`<dl class="facts">${facts.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl><h2>Agenda</h2><p>First: actions outstanding from the previous MARAC.</p>${agenda.html}`,
  };
  const first: DocumentPart = {
    heading: 'Actions outstanding from the previous MARAC',
    anchor: 'outstanding',
    markdown: outstandingLines.length ? outstandingLines.map((l) => `- ${md(l)}`) : ['None: every action set at the previous MARAC is complete.'],
    html: outstandingLines.length ? h`<ul>${outstandingLines.map((l) => h`<li>${l}</li>`)}</ul>` : h`<p>None: every action set at the previous MARAC is complete.</p>`,
  };
  const parts = cases.map((c): DocumentPart => {
    const body = c.destroyed
      ? destroyedBody(c)
      : isRestricted(c)
        ? restrictedBody()
        : c.state
          ? sectionsToPart([maracReferralSection(profile, c.state), referralSection(profile, c.state), matrixSection(profile, c.state, 'Daily meeting notes and actions')])
          : unreadable(c);
    return { heading: caseHeading(c), anchor: `case-${caseRef(c.caseId)}`, ...body };
  });
  return { subject: `${title} — papers${revision > 1 ? ` (revision ${revision})` : ''}, ${cases.length} case(s)`, ...document(`${title}: papers`, intro, [first, ...parts]) };
}

const rollOverLabel: Record<RolledOver['reason'], string> = {
  'out-of-time': 'the meeting ran out of time',
  'meeting-cancelled': 'the meeting was cancelled',
  'after-cut-off': 'scheduled after the agenda froze',
};

export interface MinutesInput {
  attendance: Attendance | null;
  heard: PapersCase[];
  notHeard: PapersCase[];
  /** Sent on before the end (daily: after the cut-off). */
  rolledOver: RolledOver[];
  /** HRDAP: requests the chairs returned to the professional. */
  returned: string[];
}

/** The minutes and the meeting's HRDA Matrix (PROTOCOL.md §1.3 "circulates it after the meeting", §1.5). */
export function renderMinutes(profile: Profile, ref: MeetingRef, m: MinutesInput): RenderedPapers {
  const title = meetingTitle(profile, ref);
  const attendance = m.attendance ? `${m.attendance.agencies.map((a) => agencyName(profile, a)).join(', ')} (recorded ${londonShort(m.attendance.at)})` : 'not recorded';
  const facts = [
    ['Facilitator', ref.kind === 'daily' || ref.facilitator ? agencyName(profile, ref.facilitator) : 'an agency representative'],
    ['Attendance', attendance],
    ['Heard', `${m.heard.length} case(s)`],
    ['Not heard', m.notHeard.length ? `${m.notHeard.length} case(s)${ref.kind === 'daily' ? ', rolled over to the next meeting' : ''}` : 'none'],
  ] as const;
  const intro = {
    markdown: facts.map(([k, v]) => `- **${md(k)}:** ${md(v)}`),
    html: h`<dl class="facts">${facts.map(([k, v]) => h`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`,
  };
  const heardParts = m.heard.map((c): DocumentPart => ({
    heading: `${caseHeading(c)} — heard`,
    anchor: `case-${caseRef(c.caseId)}`,
    ...(c.destroyed ? destroyedBody(c) : isRestricted(c) ? restrictedBody() : c.state ? sectionsToPart([matrixSection(profile, c.state)]) : unreadable(c)),
  }));
  const notHeardLines = [
    ...m.notHeard.map((c) => `Case ${caseRef(c.caseId)}: ${ref.kind === 'daily' ? `not heard (${rollOverLabel['out-of-time']}); rolled over to the next meeting` : ref.kind === 'marac' ? 'MARAC outcome not recorded' : 'review outcome not recorded'}`),
    ...m.rolledOver.map((r) => `Case ${caseRef(r.caseId)}: ${rollOverLabel[r.reason]}; rolled over to the next meeting`),
    ...m.returned.map((id) => `Case ${caseRef(id)}: not accepted by the chairs; returned to the professional with feedback`),
  ];
  const notHeardPart: DocumentPart[] = notHeardLines.length
    ? [{ heading: 'Cases not heard', anchor: 'not-heard', markdown: notHeardLines.map((l) => `- ${md(l)}`), html: h`<ul>${notHeardLines.map((l) => h`<li>${l}</li>`)}</ul>` }]
    : [];
  // A restricted case is one row that says so: none of its risks, actions or owners.
  const rows = m.heard.flatMap((c): { c: PapersCase; a: MatrixAction | null }[] => (c.state ? (!isRestricted(c) && c.state.actions.length ? c.state.actions.map((a) => ({ c, a })) : [{ c, a: null }]) : []));
  const risksOf = (c: PapersCase) => (isRestricted(c) ? [restrictedPlaceholder] : c.state!.risks);
  const matrix: DocumentPart = {
    heading: 'HRDA Matrix — this meeting',
    anchor: 'matrix',
    markdown: rows.length
      ? ['| Case | Risks | Action | Owner | Update due |', '| --- | --- | --- | --- | --- |', ...rows.map(({ c, a }) => `| ${md(caseRef(c.caseId))} | ${risksOf(c).map(md).join('; ')} | ${a ? `${md(a.id)}: ${md(a.description)}` : isRestricted(c) ? '—' : 'no actions'} | ${a ? md(agencyName(profile, a.owner)) : '—'} | ${a ? md(londonShort(a.dueAt)) : '—'} |`)]
      : ['No case was heard.'],
    html: rows.length
      ? h`<table><thead><tr><th>Case</th><th>Risks</th><th>Action</th><th>Owner</th><th>Update due</th></tr></thead><tbody>${rows.map(
        ({ c, a }) => h`<tr><td>${caseRef(c.caseId)}</td><td>${risksOf(c).join('; ')}</td><td>${a ? `${a.id}: ${a.description}` : isRestricted(c) ? '—' : 'no actions'}</td><td>${a ? agencyName(profile, a.owner) : '—'}</td><td>${a ? londonShort(a.dueAt) : '—'}</td></tr>`,
      )}</tbody></table>`
      : h`<p>No case was heard.</p>`,
  };
  return { subject: `${title} — minutes and HRDA Matrix`, ...document(`${title}: minutes and HRDA Matrix`, intro, [...heardParts, ...notHeardPart, matrix]) };
}

export function renderClosureNotice(profile: Profile, ref: MeetingRef, reason: string, casesRolledOver: number): RenderedPapers {
  const title = meetingTitle(profile, ref);
  const lines = [
    `The meeting is cancelled: ${reason}.`,
    `${casesRolledOver} case(s) on its agenda go to the next meeting; a new pack will be circulated for it.`,
  ];
  return {
    subject: `${title} — cancelled`,
    ...document(`${title}: cancelled`, { markdown: lines.map(md), html: h`${lines.map((l) => h`<p>${l}</p>`)}` }, []),
  };
}
