import { escapeHtml } from '../../../domain/text';

/**
 * Charts as inline SVG, drawn here by hand: a few rectangles and labels need no library, and the page
 * renders the same in any browser or none (no script, no font loaded). Every label is escaped.
 * Each chart has a <title> and role="img" for screen readers; the page's tables hold the same figures.
 */
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
/** Coordinates to a tenth of a pixel: no 190.39999999999998 in the page. */
const px = (n: number) => Math.round(n * 10) / 10;
const font = 'font-family="system-ui, sans-serif" font-size="12"';

/** A tidy axis maximum: 1, 2 or 5 times a power of ten at or above the largest value. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= value)!;
}

export interface Bar {
  label: string;
  value: number;
}

/** Vertical bars, one series per group (e.g. heard and referred each month), with a legend. */
export function columnChart(opts: { title: string; groups: { label: string; values: number[] }[]; series: string[] }): string {
  const { groups, series } = opts;
  const colours = ['#1d5fa8', '#9bbce0', '#6a6a6a'];
  const [left, top, bottom, height] = [40, 28, 36, 180];
  const groupWidth = Math.max(40, 14 * series.length + 16);
  const width = left + groups.length * groupWidth + 10;
  const max = niceMax(Math.max(0, ...groups.flatMap((g) => g.values)));
  const y = (v: number) => px(top + height - (v / max) * height);
  const parts: string[] = [];
  for (const t of [0, max / 2, max]) {
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`, `<text x="${left - 4}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  groups.forEach((g, i) => {
    const x0 = left + i * groupWidth + 8;
    g.values.forEach((v, s) => {
      const h = px((v / max) * height);
      parts.push(`<rect x="${x0 + s * 14}" y="${y(v)}" width="12" height="${h}" fill="${colours[s % colours.length]}"><title>${escapeHtml(`${g.label} ${series[s]}: ${fmt(v)}`)}</title></rect>`);
    });
    // "Jan 2026": the month under its bars, the year below it on the first and on each January only.
    const [month, year] = g.label.split(' ');
    const cx = x0 + (series.length * 14) / 2;
    parts.push(`<text x="${cx}" y="${top + height + 16}" text-anchor="middle">${escapeHtml(month)}</text>`);
    if (year && (i === 0 || month === 'Jan')) parts.push(`<text x="${cx}" y="${top + height + 30}" text-anchor="middle">${escapeHtml(year)}</text>`);
  });
  series.forEach((name, s) => {
    parts.push(`<rect x="${left + s * 110}" y="4" width="12" height="12" fill="${colours[s % colours.length]}"/>`, `<text x="${left + s * 110 + 16}" y="14">${escapeHtml(name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${top + height + bottom}" viewBox="0 0 ${width} ${top + height + bottom}" ${font}><title>${escapeHtml(opts.title)}</title>${parts.join('')}</svg>`;
}

export interface ComparedRow {
  label: string;
  /** This area's figure; null when it cannot be computed (drawn as "not available"). */
  value: number | null;
  /** The national figure, drawn as a marker; null when there is none. */
  national: number | null;
  /** The recommended range, drawn as a shaded band. */
  recommended?: { min: number; max: number } | undefined;
}

/** Horizontal bars, each beside the national figure (a dark marker) and any recommended range (a green band). */
export function comparedBars(opts: { title: string; rows: ComparedRow[]; unit: string; max?: number; legend?: boolean }): string {
  // Wide enough for the longest label at 12px (about 6.5px a character), so none is cut off.
  const labelWidth = Math.max(120, Math.ceil(Math.max(0, ...opts.rows.map((r) => r.label.length)) * 6.5) + 12);
  const [barWidth, rowHeight, top] = [320, 30, opts.legend === false ? 4 : 24];
  const width = labelWidth + barWidth + 70;
  const height = top + opts.rows.length * rowHeight + 8;
  const max = opts.max ?? niceMax(Math.max(1, ...opts.rows.flatMap((r) => [r.value ?? 0, r.national ?? 0, r.recommended?.max ?? 0])) * 1.1);
  const x = (v: number) => px(labelWidth + (Math.min(v, max) / max) * barWidth);
  const parts: string[] = opts.legend === false ? [] : [
    `<rect x="${labelWidth}" y="4" width="12" height="10" fill="#1d5fa8"/><text x="${labelWidth + 16}" y="13">this area</text>`,
    `<rect x="${labelWidth + 90}" y="2" width="3" height="14" fill="#111"/><text x="${labelWidth + 98}" y="13">national</text>`,
    `<rect x="${labelWidth + 170}" y="4" width="12" height="10" fill="#cfe8cf"/><text x="${labelWidth + 186}" y="13">recommended</text>`,
  ];
  opts.rows.forEach((r, i) => {
    const y0 = top + i * rowHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y0 + 17}" text-anchor="end">${escapeHtml(r.label)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y0 + 4}" width="${barWidth}" height="18" fill="#f4f4f4"/>`);
    if (r.recommended) {
      const { min, max: hi } = r.recommended;
      // A recommended level (min = max) is drawn as a band a few pixels wide, so that it shows.
      parts.push(`<rect x="${x(min) - (min === hi ? 3 : 0)}" y="${y0 + 4}" width="${px(Math.max(6, x(hi) - x(min)))}" height="18" fill="#cfe8cf"><title>${escapeHtml(`recommended: ${min === hi ? `about ${fmt(min)}` : `${fmt(min)}–${fmt(hi)}`}`)}</title></rect>`);
    }
    if (r.value !== null) parts.push(`<rect x="${labelWidth}" y="${y0 + 8}" width="${px(x(r.value) - labelWidth)}" height="10" fill="#1d5fa8"><title>${escapeHtml(`${r.label}: ${fmt(r.value)}${opts.unit === '%' ? '%' : opts.unit ? ` ${opts.unit}` : ''}`)}</title></rect>`);
    if (r.national !== null) parts.push(`<rect x="${x(r.national) - 1}" y="${y0 + 1}" width="3" height="24" fill="#111"><title>${escapeHtml(`national: ${fmt(r.national)}${opts.unit === '%' ? '%' : ` ${opts.unit}`}`)}</title></rect>`);
    const text = r.value === null ? 'not available' : `${fmt(r.value)}${opts.unit === '%' ? '%' : ''}`;
    parts.push(`<text x="${labelWidth + barWidth + 6}" y="${y0 + 17}">${escapeHtml(text)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${font}><title>${escapeHtml(opts.title)}</title>${parts.join('')}</svg>`;
}

/** Horizontal bars with no comparison (e.g. overdue actions by agency): no legend, which would promise a national figure. */
export function plainBars(opts: { title: string; bars: Bar[] }): string {
  return comparedBars({ title: opts.title, unit: '', legend: false, rows: opts.bars.map((b) => ({ label: b.label, value: b.value, national: null })) });
}
