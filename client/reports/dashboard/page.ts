import { DateTime } from 'luxon';
import { calendarZone } from '../../../domain/calendar';
import { escapeHtml } from '../../../domain/text';
import { londonTime, page } from '../../audit/report-html';
import type { DashboardFigures } from './figures';
import { nationalSource } from './national';
import { columnChart, comparedBars, plainBars, type ComparedRow } from './svg';

/**
 * The dashboard as one self-contained HTML page: inline SVG charts, each beside a table of the same
 * figures and the national one, no script and nothing loaded (report-html's page() and its CSP).
 * Times are Europe/London. Only counts, rates and agency names appear.
 */
const when = (at: string) => `<time datetime="${escapeHtml(at)}">${escapeHtml(londonTime(at))}</time>`;
const fmt = (n: number | null, unit = '') => (n === null ? 'not available' : `${Number.isInteger(n) ? n : n.toFixed(1)}${unit}`);
const monthName = (month: string) => DateTime.fromFormat(month, 'yyyy-MM', { zone: calendarZone }).setLocale('en-GB').toFormat('LLL yyyy');

const table = (head: string[], rows: (string | number)[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

const section = (heading: string, chart: string, details: string) =>
  `<section><h2>${escapeHtml(heading)}</h2><div class="chart">${chart}</div>${details}</section>`;

const recommended = (r?: { min: number; max: number }, unit = '') =>
  r ? (r.min === r.max ? `about ${r.min}${unit}` : `${r.min}–${r.max}${unit}`) : '—';

export function renderDashboardHtml(f: DashboardFigures, opts: { agencyName?: (id: string) => string } = {}): string {
  const agency = opts.agencyName ?? ((id: string) => id);
  const n = f.national;
  const scope = f.profile ?? 'every profile';
  const title = `Marac dashboard: ${scope}`;

  const months = section(
    'Cases by month',
    columnChart({ title: 'Cases heard and referred by month', series: ['heard', 'referred'], groups: f.byMonth.map((m) => ({ label: monthName(m.month), values: [m.heard, m.referred] })) }),
    table(['Month', 'Cases heard', 'Referred to the meeting'], f.byMonth.map((m) => [monthName(m.month), m.heard, m.referred])),
  );

  const pop = f.rate.population;
  const headline: ComparedRow[] = [
    { label: 'Repeat cases (%)', value: f.repeats.percent, national: n.repeatRate.national, recommended: n.repeatRate.recommended },
    { label: 'Referred by partner agencies (%)', value: f.partnerAgencies.percent, national: n.partnerAgencyReferrals.national },
  ];
  const rate = section(
    'Cases per 10,000 adult women',
    comparedBars({ title: 'Cases heard per 10,000 adult women a year, beside the national figure', unit: 'per 10,000', rows: [
      { label: 'Cases per 10,000 a year', value: f.rate.perYear, national: n.casesPer10kAdultWomen.national, recommended: n.casesPer10kAdultWomen.recommended },
    ] }),
    `${table(['Measure', 'This area', 'National', 'Recommended'], [
      ['Cases heard in the period', f.cases, '—', '—'],
      ['Per 10,000 adult women in the period', fmt(f.rate.per10k), '—', '—'],
      ['Per 10,000 adult women a year', fmt(f.rate.perYear), n.casesPer10kAdultWomen.national, recommended(n.casesPer10kAdultWomen.recommended)],
    ])}<p class="meta">${pop
      ? `Adult women: ${escapeHtml(pop.adultWomen.toLocaleString('en-GB'))}. Source: ${escapeHtml(pop.source)}.`
      : 'Population not configured for this profile (profile <code>population.adultWomen</code>): no rate.'}</p>`,
  );

  const repeats = section(
    'Repeats and referrals',
    comparedBars({ title: 'Repeat rate and partner agency referrals, beside the national figures', unit: '%', max: 100, rows: headline }),
    table(['Measure', 'Cases', 'This area', 'National', 'Recommended'], [
      ['Repeat cases', f.repeats.count, fmt(f.repeats.percent, '%'), `${n.repeatRate.national}%`, recommended(n.repeatRate.recommended, '%')],
      ['Referred by partner agencies (not the police)', f.partnerAgencies.count, fmt(f.partnerAgencies.percent, '%'), `${n.partnerAgencyReferrals.national}%`, '—'],
    ]),
  );

  const t = f.timePerStage;
  const stages = section(
    'Time per stage',
    plainBars({ title: 'Median days per stage', bars: [
      { label: 'Referral to meeting (days)', value: t.referralToMeeting.days ?? 0 },
      { label: 'Meeting to closure (days)', value: t.meetingToClosure.days ?? 0 },
    ] }),
    table(['Stage', 'Median days', 'Cases measured'], [
      ['Referral received to the meeting that heard it (cases heard in the period)', fmt(t.referralToMeeting.days), t.referralToMeeting.cases],
      ['Meeting to closure (cases closed in the period)', fmt(t.meetingToClosure.days), t.meetingToClosure.cases],
    ]) + '<p class="meta">No national figure.</p>',
  );

  const o = f.overdueActions;
  const overdueRows = Object.entries(o.byAgency);
  const overdue = section(
    'Overdue actions by agency',
    overdueRows.length ? plainBars({ title: 'Open actions past their due date, by agency', bars: overdueRows.map(([id, count]) => ({ label: agency(id), value: count })) }) : '<p>No open action is overdue.</p>',
    `${table(['Agency', 'Overdue actions'], [...overdueRows.map(([id, count]) => [agency(id), count]), ['Total', o.total]])}<p class="meta">Open actions past their due date on ${when(o.asOf)}. No national figure.</p>`,
  );

  const v = f.safeLives.victims;
  const equalityRows: [string, { count: number; percent: number | null }][] = [
    ['Male victims', v.male],
    ['Black, Asian or racially minoritised victims', v.raciallyMinoritised],
    ['LGBT+ victims', v.lgbtPlus],
    ['Victims with a disability', v.disability],
    ['Victims aged 16–17', v.aged16to17],
    ['Perpetrators aged 17 or under', f.safeLives.perpetrators.aged17OrUnder],
  ];
  const equality = section(
    'Equality (the SafeLives return)',
    comparedBars({ title: 'Equality figures of the cases heard', unit: '%', max: 100, legend: false, rows: equalityRows.map(([label, s]) => ({ label, value: s.percent, national: null })) }),
    `${table(['Measure', 'Cases', 'This area', 'National'], equalityRows.map(([label, s]) => [label, s.count, fmt(s.percent, '%'), 'no national figure configured']))}
<p class="meta">As <code>hrda report safelives</code> counts them. National equality figures are not configured yet (client/reports/dashboard/national.ts).</p>`,
  );

  const body = `<h1>${escapeHtml(title)}</h1>
<p class="meta">Cases heard from ${when(f.from)} to before ${when(f.to)} · generated ${when(f.generatedAt)} · times in Europe/London · national figures: ${escapeHtml(nationalSource)}</p>
${months}
${rate}
${repeats}
${stages}
${overdue}
${equality}`;
  return page(title, body, `
section { margin-bottom: 2rem; }
.chart { margin: .5rem 0 1rem; overflow-x: auto; }
section table { width: auto; min-width: 30rem; }
`);
}
