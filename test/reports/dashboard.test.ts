import { describe, expect, it } from 'vitest';
import { buildDashboard, median, monthsOf, populationOf, type DashboardRecord } from '../../client/reports/dashboard/figures';
import { nationalFigures } from '../../client/reports/dashboard/national';
import { renderDashboardHtml } from '../../client/reports/dashboard/page';
import { niceMax } from '../../client/reports/dashboard/svg';
import { atLocal } from '../../domain/calendar';
import { profileSchema } from '../../domain/profile';
import { profiles } from '../../domain/profiles';

/**
 * The dashboard's figures from a set of case records (issue 21 item 8), and its page: well-formed
 * HTML with inline SVG, no script, times in Europe/London. No browser is needed; a person looks at
 * the page in one (the report of the change says how).
 */
const from = atLocal('2026-10-01', '00:00'); // 2026-09-30T23:00Z: British Summer Time
const to = atLocal('2027-01-01', '00:00');
const generatedAt = '2027-01-05T09:00:00.000Z';

const record = (caseId: string, over: Partial<DashboardRecord> = {}): DashboardRecord => ({
  caseId,
  profile: 'dorset-hrda',
  stage: 'monitoring',
  route: 'hrda',
  repeat: null,
  receivedAt: '2026-11-01T10:00:00.000Z',
  heardAt: null,
  closedAt: null,
  actions: [],
  referrerAgency: 'police',
  children: 0,
  personal: { victimDateOfBirth: '1990-04-01', equality: { gender: 'female' } },
  ...over,
});

const records: DashboardRecord[] = [
  // Heard at 00:30 on 1 October, London time (23:30 GMT the day before): an October case, in the period.
  record('a', {
    receivedAt: '2026-09-25T23:30:00.000Z', heardAt: '2026-09-30T23:30:00.000Z', closedAt: '2026-10-30T23:30:00.000Z', stage: 'closed',
    repeat: { previousCaseId: 'earlier', previousReceivedAt: '2026-03-01T10:00:00.000Z' },
    personal: { victimDateOfBirth: '1985-01-01', equality: { gender: 'male' } },
  }),
  record('b', {
    receivedAt: '2026-11-17T10:00:00.000Z', heardAt: '2026-11-20T10:00:00.000Z', referrerAgency: 'health',
    actions: [
      { id: 'b1', owner: 'housing', status: 'open', dueAt: '2026-12-01T17:00:00.000Z', overdue: true },
      { id: 'b2', owner: 'health', status: 'completed', dueAt: '2026-11-25T17:00:00.000Z', overdue: true },
    ],
  }),
  // Its personal facts destroyed: still a case heard, but not in the equality counts.
  record('c', { receivedAt: '2026-11-26T10:00:00.000Z', heardAt: '2026-12-03T10:00:00.000Z', referrerAgency: 'probation', personal: null }),
  record('d', {
    receivedAt: '2026-12-20T10:00:00.000Z', stage: 'preparing',
    actions: [
      { id: 'd1', owner: 'police', status: 'in-progress', dueAt: '2027-01-02T17:00:00.000Z', overdue: false },
      { id: 'd2', owner: 'police', status: 'open', dueAt: '2027-02-01T17:00:00.000Z', overdue: false },
    ],
  }),
  // Heard before the period, closed in it: counts towards meeting-to-closure only.
  record('g', { receivedAt: '2026-09-15T10:00:00.000Z', heardAt: '2026-09-20T10:00:00.000Z', closedAt: '2026-10-05T10:00:00.000Z', stage: 'closed' }),
  // Not the meeting route, and another profile: not counted for dorset-hrda.
  record('m', { route: 'medium-risk-offer', heardAt: '2026-11-20T10:00:00.000Z' }),
  record('t', { profile: 'trafford-marac', heardAt: '2026-11-20T10:00:00.000Z', actions: [{ id: 't1', owner: 'housing', status: 'open', dueAt: '2026-12-01T17:00:00.000Z', overdue: true }] }),
];

const population = { adultWomen: 1_000, source: 'a test figure' };
const build = () => buildDashboard(records, { from, to, profile: 'dorset-hrda', generatedAt }, population);

describe('the dashboard figures', () => {
  it('counts cases by London month, repeats and partner referrals from the records', () => {
    const f = build();
    expect(f.byMonth).toEqual([
      { month: '2026-10', heard: 1, referred: 0 },
      { month: '2026-11', heard: 1, referred: 2 },
      { month: '2026-12', heard: 1, referred: 1 },
    ]);
    expect(f.cases).toBe(3);
    expect(f.repeats).toEqual({ count: 1, percent: 33.3 });
    expect(f.partnerAgencies).toEqual({ count: 2, percent: 66.7 });
  });

  it('gives cases per 10,000 adult women in the period and over a year', () => {
    const f = build();
    expect(f.rate.per10k).toBe(30);
    const years = (Date.parse(to) - Date.parse(from)) / 86_400_000 / 365.25;
    expect(f.rate.perYear).toBe(Math.round((30 / years) * 10) / 10);
    expect(f.rate.perYear).toBeGreaterThan(118);
    expect(buildDashboard(records, { from, to, profile: 'dorset-hrda', generatedAt }, null).rate).toEqual({ population: null, per10k: null, perYear: null });
  });

  it('takes the median days from referral to meeting and from meeting to closure', () => {
    expect(build().timePerStage).toEqual({
      referralToMeeting: { days: 5, cases: 3 }, // 5, 3 and 7 days
      meetingToClosure: { days: 22.5, cases: 2 }, // 30 and 15 days
    });
    expect(median([])).toBeNull();
    expect(median([4, 1, 2])).toBe(2);
  });

  it('counts open actions past their due date by owning agency, as the dashboard is made', () => {
    expect(build().overdueActions).toEqual({ asOf: generatedAt, total: 2, byAgency: { housing: 1, police: 1 } });
  });

  it("takes the equality figures from the SafeLives return, of the cases whose facts remain", () => {
    const f = build();
    expect(f.safeLives.cases).toBe(2);
    expect(f.safeLives.victims.male).toMatchObject({ count: 1, percent: 50 });
    expect(f.national).toBe(nationalFigures);
  });

  it('reads the population from the profile, and says when one is missing', () => {
    for (const p of Object.values(profiles)) {
      expect(p.population?.adultWomen).toBeGreaterThan(10_000);
      expect(p.population?.source).toMatch(/Census 2021/);
    }
    const { population: _omit, ...without } = profiles['dorset-hrda']!;
    expect(profileSchema.safeParse(without).success).toBe(true);
    expect(populationOf([{}])).toBeNull();
    expect(populationOf([profiles['dorset-hrda']!, profiles['trafford-marac']!])!.adultWomen).toBe(324_000 + 98_000);
    expect(monthsOf(from, to)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect([niceMax(0), niceMax(3), niceMax(47), niceMax(120)]).toEqual([1, 5, 50, 200]);
  });
});

/** The page's elements, opened and closed in order: a tokenizer over "<" and ">", no regular expression. */
function elementsOf(html: string): { names: string[]; unbalanced: string[] } {
  const voids = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);
  const stack: string[] = [];
  const names: string[] = [];
  const unbalanced: string[] = [];
  let i = 0;
  while ((i = html.indexOf('<', i)) !== -1) {
    const end = html.indexOf('>', i);
    if (end === -1) {
      unbalanced.push(`unterminated tag at ${i}`);
      break;
    }
    const tag = html.slice(i + 1, end);
    i = end + 1;
    if (tag.startsWith('!')) continue;
    const closing = tag.startsWith('/');
    const selfClosing = tag.endsWith('/');
    const body = closing ? tag.slice(1) : selfClosing ? tag.slice(0, -1) : tag;
    const name = body.split(' ')[0]!.split('\n')[0]!.toLowerCase();
    if (closing) {
      const open = stack.pop();
      if (open !== name) unbalanced.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      names.push(name);
      if (!selfClosing && !voids.has(name)) stack.push(name);
    }
  }
  unbalanced.push(...stack.map((s) => `<${s}> never closed`));
  return { names, unbalanced };
}

describe('the dashboard page', () => {
  const names = new Map(profiles['dorset-hrda']!.agencies.map((a) => [a.id as string, a.name]));
  const html = renderDashboardHtml(build(), { agencyName: (id) => names.get(id) ?? id });

  it('is well-formed HTML with inline SVG charts and nothing that runs or loads', () => {
    const { names: elements, unbalanced } = elementsOf(html);
    expect(unbalanced).toEqual([]);
    expect(elements.filter((n) => n === 'svg')).toHaveLength(6);
    expect(elements.filter((n) => n === 'section')).toHaveLength(6);
    for (const banned of ['script', 'iframe', 'img', 'link', 'object', 'embed']) expect(elements).not.toContain(banned);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/NaN|Infinity|undefined|\son[a-z]+=|="-?\d+\.\d{2,}"/);
    // Every rectangle has a size a browser draws.
    for (const m of html.matchAll(/<rect [^>]*?width="([^"]+)" height="([^"]+)"/g)) {
      expect(Number(m[1])).toBeGreaterThanOrEqual(0);
      expect(Number(m[2])).toBeGreaterThanOrEqual(0);
    }
  });

  it('shows each figure beside the national one, in London time, with agency names', () => {
    expect(html).toContain('<td>Repeat cases</td><td>1</td><td>33.3%</td><td>31%</td><td>28–40%</td>');
    expect(html).toContain('<td>Referred by partner agencies (not the police)</td><td>2</td><td>66.7%</td><td>36%</td>');
    expect(html).toMatch(/<td>Per 10,000 adult women a year<\/td><td>[\d.]+<\/td><td>47<\/td><td>about 40<\/td>/);
    expect(html).toContain('<td>Oct 2026</td><td>1</td><td>0</td>');
    expect(html).toContain('Thu 1 Oct 2026, 00:00 (BST, +01:00)');
    expect(html).toContain('<td>Housing</td><td>1</td>');
    expect(html).toContain('Source: a test figure.');
    expect(html).not.toContain('1990-04-01');
  });

  it('says when there is no population figure rather than a rate', () => {
    const page = renderDashboardHtml(buildDashboard(records, { from, to, profile: 'dorset-hrda', generatedAt }, null));
    expect(page).toContain('Population not configured for this profile');
    expect(page).toContain('<td>Per 10,000 adult women a year</td><td>not available</td>');
    expect(elementsOf(page).unbalanced).toEqual([]);
  });
});
