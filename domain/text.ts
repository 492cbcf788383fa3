import { z } from 'zod';

/**
 * Free text as the service accepts it. Names and notes end up in emails, meeting packs, CSV
 * returns and logs read by people: characters no name or note needs are refused rather than
 * stored, because each one can disguise what a reader sees or break what it lands in —
 * control characters (NUL, escape sequences, CR/LF that split a mail header or a log line),
 * bidirectional overrides that reorder what is displayed (CVE-2021-42574), and lone surrogates
 * that are not text at all and fail every UTF-8 encoder downstream.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const lineBreak = /[\r\n\u2028\u2029]/;
const bidiControl = /[\u202A-\u202E\u2066-\u2069]/;
// With the u flag a well-formed pair is one code point, so only a lone surrogate matches.
const loneSurrogate = /[\uD800-\uDFFF]/u;

function refuseDisguises(multiLine: boolean) {
  return (value: string, ctx: z.RefinementCtx) => {
    if (loneSurrogate.test(value)) ctx.addIssue({ code: 'custom', message: 'is not well-formed Unicode (a lone surrogate)' });
    if (controlCharacter.test(value)) ctx.addIssue({ code: 'custom', message: 'contains a control character' });
    if (!multiLine && lineBreak.test(value)) ctx.addIssue({ code: 'custom', message: 'is one line: no line breaks' });
    if (bidiControl.test(value)) ctx.addIssue({ code: 'custom', message: 'contains a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069)' });
  };
}

/** A name, reference or short label: one line, trimmed, at most `max` characters. */
export const singleLineText = (max: number) => z.string().trim().min(1).max(max).superRefine(refuseDisguises(false));

/** A note, summary or rationale: line breaks and tabs allowed, at most `max` characters. */
export const multiLineText = (max: number) => z.string().trim().min(1).max(max).superRefine(refuseDisguises(true));

/**
 * The bounds every input shares, so that one request can never grow a case's history past what
 * Temporal accepts (CONTRACT.md §1 lists them). The request body as a whole is capped too
 * (client/api/server.ts): these keep each field reasonable inside that budget.
 */
export const textLimits = {
  name: 200,
  shortText: 500,
  note: 20_000,
  summary: 10_000,
} as const;

/**
 * Text as it is written into HTML (pages, meeting packs, emails): the service's one escaping
 * function, which the eta templates use too. Nothing absent is shown: null and undefined are empty.
 */
const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => htmlEntities[c]!);
