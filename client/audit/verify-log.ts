import type { Database } from '../../store/database';
import { accessLogEntrySchema, accessLogGenesis, accessLogHash } from '../api/access-log';

export interface LogProblem {
  /** The entry at fault (for deleted entries, the first one missing). */
  seq: number;
  problem: string;
}

export interface LogVerification {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** The head: how many entries the log says it has, and its last hash. */
  head: { seq: number; hash: string };
  problems: LogProblem[];
}

const batch = 5_000;

/**
 * Walks the access log's hash chain from its first entry (`hrda audit verify-log`): every entry must
 * follow the one before it (no sequence number missing, its prev_hash the hash before), its hash must
 * be that of its content, its columns those of its content, and the last entry must be the head's.
 * An edited entry breaks its own hash (or, rehashed, the next one's link); a deleted one leaves a gap,
 * or at the end a head that names an entry no longer there.
 */
export async function verifyAccessLog(db: Database): Promise<LogVerification> {
  const { rows: [headRow] } = await db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM access_log_head');
  const head = { seq: Number(headRow?.seq ?? 0), hash: headRow?.hash ?? accessLogGenesis };
  const problems: LogProblem[] = [];
  let expected = 1;
  let prevHash = accessLogGenesis;
  let entries = 0;
  for (;;) {
    const { rows } = await db.query<{ seq: string; at: Date; case_id: string; entry: unknown; prev_hash: string; hash: string }>(
      'SELECT seq, at, case_id, entry, prev_hash, hash FROM access_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [expected, batch],
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      entries += 1;
      if (seq !== expected) {
        problems.push({ seq: expected, problem: seq - expected === 1 ? `entry ${expected} is missing (deleted)` : `entries ${expected}–${seq - 1} are missing (deleted)` });
      } else if (row.prev_hash !== prevHash) {
        problems.push({ seq, problem: `entry ${seq} does not follow entry ${seq - 1}: its link to the entry before does not match (entry ${seq - 1} was edited or replaced)` });
      }
      const parsed = accessLogEntrySchema.safeParse(row.entry);
      if (!parsed.success) {
        problems.push({ seq, problem: `entry ${seq} is not an access-log entry any more (edited)` });
      } else if (accessLogHash(row.prev_hash, seq, parsed.data) !== row.hash) {
        problems.push({ seq, problem: `entry ${seq} was edited: its content no longer matches its hash` });
      } else if (parsed.data.caseId !== row.case_id || new Date(parsed.data.at).getTime() !== row.at.getTime()) {
        problems.push({ seq, problem: `entry ${seq} was edited: its case or time column differs from its content` });
      }
      // Go on from what the row says, so that one fault is reported once, not on every later entry.
      prevHash = row.hash;
      expected = seq + 1;
    }
    if (rows.length < batch) break;
  }
  if (head.seq >= expected) {
    problems.push({ seq: expected, problem: head.seq === expected ? `entry ${expected}, the last, is missing (deleted)` : `entries ${expected}–${head.seq}, the last, are missing (deleted)` });
  } else if (head.seq < expected - 1) {
    problems.push({ seq: head.seq + 1, problem: `entries ${head.seq + 1}–${expected - 1} are beyond the log's head (added behind the service's back, or the head was edited)` });
  } else if (head.hash !== prevHash) {
    problems.push({ seq: head.seq, problem: `entry ${head.seq}, the last, does not match the log's head (edited)` });
  }
  return { ok: problems.length === 0, entries, head, problems };
}
