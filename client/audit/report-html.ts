import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { DateTime } from 'luxon';
import { calendarZone } from '../../domain/calendar';
import { escapeHtml } from '../../domain/text';
import type { TimelineEntry } from '../../domain/timeline';
import type { AccessLogEntry } from '../api/access-log';
import { actorInWords, codeInWords, eventInWords, reasonOf, roleInWords } from './timeline-words';

/**
 * Standalone HTML pages for people: a case's timeline, and the audit bundle's report. Every
 * value from a case is escaped; the pages load nothing and run no script (their CSP forbids it),
 * so a rationale or a summary can never become markup.
 */
/**
 * The pages' templates (./templates, eta): `<%= %>` escapes with the service's one escaping
 * function, `<%~ %>` inserts HTML this module built from escaped parts. A template file's last
 * newline is the file's, not the output's.
 */
const templates = new Eta({ views: fileURLToPath(new URL('./templates', import.meta.url)), escapeFunction: escapeHtml, autoTrim: false, cache: true });
const render = (name: string, data: object): string => templates.render(name, data).replace(/\n$/, '');

/** An instant as people in England and Wales read it: London wall clock, with GMT/BST and the offset. */
export const londonTime = (at: string): string => {
  const instant = DateTime.fromISO(at, { setZone: true });
  if (!instant.isValid) return at;
  return instant.setZone(calendarZone).setLocale('en-GB').toFormat("ccc d LLL yyyy, HH:mm '('ZZZZ', 'ZZ')'");
};

const when = (at: string) =>
  `<time datetime="${escapeHtml(at)}">${escapeHtml(londonTime(at))}</time>`;

const isInstant = (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && DateTime.fromISO(v).isValid;

/** One value of an entry's data, in words: instants in London time, codes as words, lists and records nested. */
const valueHtml = (v: unknown): string => {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  // Identifiers (case, dispute, action and agency IDs) are shown as written, so they match the JSON and the access log.
  if (typeof v === 'string') return isInstant(v) ? when(v) : escapeHtml(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    return v.every((x) => typeof x !== 'object' || x === null) ? v.map(valueHtml).join(', ') : `<ul>${v.map((x) => `<li>${valueHtml(x)}</li>`).join('')}</ul>`;
  }
  if (typeof v === 'object') return facts(v as Record<string, unknown>);
  return escapeHtml(v);
};

const facts = (data: Record<string, unknown>, leaveOut?: string): string => {
  const items = Object.entries(data).filter(([k]) => k !== leaveOut)
    .map(([k, v]) => `<dt>${escapeHtml(codeInWords(k))}</dt><dd>${valueHtml(v)}</dd>`);
  return items.length ? `<dl>${items.join('')}</dl>` : '';
};

export function timelineTable(timeline: readonly TimelineEntry[]): string {
  // The contract's code stays beside the words, for whoever reads the JSON alongside.
  const entries = timeline.map((e) => {
    const why = reasonOf(e);
    return { at: e.at, type: e.type, details: facts(e.data as Record<string, unknown>, why?.field), who: actorInWords(e.actor), why: why?.text };
  });
  return render('timeline', { entries, when, eventInWords });
}

const style = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #1b1b1b; max-width: 80rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .35rem .5rem; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 0 .75rem; }
dt { color: #555; } dd { margin: 0; }
ul { margin: 0; padding-left: 1.1rem; }
small code { color: #666; }
.ok { color: #0b6b1d; font-weight: bold; } .fail { color: #a4000f; font-weight: bold; }
.meta { color: #555; }
`;

/** A complete page: escaped title, the body as given (built from escaped parts only), and any style of the page's own. */
export function page(title: string, body: string, extraStyle = ''): string {
  return `${render('page', { title, body, style: style + extraStyle })}\n`;
}

export function timelinePage(caseId: string, timeline: readonly TimelineEntry[], opts: { generatedAt?: Date } = {}): string {
  const generated = (opts.generatedAt ?? new Date()).toISOString();
  return page(`Timeline of case ${caseId}`, `<h1>Timeline of case ${escapeHtml(caseId)}</h1>
<p class="meta">${timeline.length} entries · generated ${when(generated)} · times in Europe/London</p>
${timelineTable(timeline)}`);
}

export interface ReportSection {
  heading: string;
  /** Rows of label and value, escaped here. */
  facts?: [string, unknown][];
  /** Already-built HTML (from this module's builders). */
  html?: string;
}

export function factsTable(rows: readonly [string, unknown][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

export function accessLogTable(entries: readonly AccessLogEntry[]): string {
  return render('access-log', { entries, when, roleInWords });
}

export function reportPage(title: string, intro: string, sections: readonly ReportSection[]): string {
  const body = sections.map((s) => `<h2>${escapeHtml(s.heading)}</h2>\n${s.facts ? factsTable(s.facts) : ''}${s.html ?? ''}`).join('\n');
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p class="meta">${escapeHtml(intro)}</p>\n${body}`);
}

export const verdict = (ok: boolean, text: string): string => `<p class="${ok ? 'ok' : 'fail'}">${escapeHtml(text)}</p>`;
