import Table from 'cli-table3';
import { DateTime } from 'luxon';
import { calendarZone } from '../../domain/calendar';

/** Where a command writes: results to `out` (stdout), progress and diagnostics to `err` (stderr). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress then rewrites one line). */
  errIsTTY?: boolean;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  errIsTTY: Boolean(process.stderr.isTTY),
};

/** A failure the user can act on: printed as it is, without a stack, with this exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** An instant as people in England read it: the London wall-clock time, and UTC when it differs. */
export function formatInstant(at: string | null | undefined): string {
  if (!at) return '—';
  const utc = DateTime.fromISO(at, { zone: 'utc' });
  if (!utc.isValid) return at;
  const local = utc.setZone(calendarZone);
  const text = local.toFormat('ccc d LLL yyyy HH:mm');
  return local.offset === 0 ? text : `${text} (${utc.toFormat('HH:mm')} UTC)`;
}

/** Relative to now, for deadlines: "in 2 days", "3 hours ago". */
export function fromNow(at: string | null | undefined, now: Date = new Date()): string {
  if (!at) return '';
  return DateTime.fromISO(at).toRelative({ base: DateTime.fromJSDate(now) }) ?? '';
}

/** No borders: columns two spaces apart, and a rule under the header only (`compact`). */
const tableChars = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', right: '', 'right-mid': '', mid: '─', 'mid-mid': '  ', middle: '  ',
};

/**
 * A plain-text table (cli-table3, which measures cells by their display width): a header, a rule,
 * and the rows, each cell on one line and cut to `maxWidth` characters, an empty one shown as a dash.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly (string | number | undefined | null)[])[], opts: { maxWidth?: number } = {}): string {
  const maxWidth = opts.maxWidth ?? 40;
  const cell = (v: string | number | undefined | null) => {
    const text = v === undefined || v === null || v === '' ? '—' : String(v).replace(/\s+/g, ' ');
    return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
  };
  const table = new Table({ head: headers.map(cell), chars: tableChars, style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 } });
  table.push(...rows.map((r) => headers.map((_, i) => cell(r[i]))));
  // cli-table3 pads the last column too: trailing spaces would only get in the way of grep and diff.
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}

/**
 * Progress of a long job on stderr: one line rewritten in place on a terminal, one line per
 * step otherwise (so logs and CI output stay readable). stdout is left to the results.
 */
export class Progress {
  private done = 0;
  private lastLength = 0;

  constructor(private readonly io: CliIo, private readonly total: number, private readonly label: string) {}

  step(what: string): void {
    this.done++;
    const text = `${this.label} [${this.done}/${this.total}] ${what}`;
    if (this.io.errIsTTY) {
      process.stderr.write(`\r${text.padEnd(this.lastLength)}`);
      this.lastLength = text.length;
    } else {
      this.io.err(text);
    }
  }

  /** A line that must stay (a failure found on the way). */
  note(text: string): void {
    if (this.io.errIsTTY && this.lastLength) {
      process.stderr.write(`\r${' '.repeat(this.lastLength)}\r`);
      this.lastLength = 0;
    }
    this.io.err(text);
  }

  finish(): void {
    if (this.io.errIsTTY && this.lastLength) process.stderr.write('\n');
    this.lastLength = 0;
  }
}
