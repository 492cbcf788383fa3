-- Up Migration

-- The archive: the complete history of every closed workflow run (cases and each of their
-- continued-as-new runs, disputes, meetings, subjects, retention clocks), taken before Temporal's
-- namespace retention removes it. `history` is the temporal.api.history.v1.History protobuf exactly
-- as Temporal served it: payloads stay encrypted under the case's data key, so destroying that key
-- (crypto-shredding) makes the archived copy unreadable too. Written once per run, never updated.
CREATE TABLE archived_workflows (
  workflow_id       text        NOT NULL,
  run_id            text        NOT NULL,
  workflow_type     text        NOT NULL,
  -- COMPLETED, CONTINUED_AS_NEW, TERMINATED, FAILED, CANCELLED, TIMED_OUT
  status            text        NOT NULL,
  start_time        timestamptz NOT NULL,
  close_time        timestamptz NOT NULL,
  -- The run this one continued (continued-as-new), so a case's runs are followed in order.
  previous_run_id   text,
  -- The search attributes as visibility last listed them (non-personal by design: docs/data-protection.md),
  -- so that the codec server keeps a case's restriction once Temporal has forgotten it.
  search_attributes jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- For workflows read by queries alone (meetings): each read-only query's answer when the run closed,
  -- as the worker encoded it (query name → base64 temporal.api.common.v1.Payloads, encrypted like the
  -- history), so `hrda meeting pack|agenda` still answer once Temporal has forgotten the meeting.
  queries           jsonb,
  history           bytea       NOT NULL,
  history_sha256    text        NOT NULL,
  events            integer     NOT NULL,
  -- Whether the history replayed against the workflow code running when it was archived; a failure
  -- is also an ops alert (kind archive.replay-failed).
  replayed_ok       boolean     NOT NULL,
  archived_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, run_id)
);
CREATE INDEX archived_workflows_close_time ON archived_workflows (close_time);

-- Where the archiver's listing of closed workflows starts again: one row, advanced only after a pass
-- that archived everything it listed (an archiver stopped part-way lists the same window again).
CREATE TABLE archive_cursor (
  id          boolean     PRIMARY KEY DEFAULT true CHECK (id),
  closed_after timestamptz NOT NULL,
  passed_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE archive_cursor;
DROP TABLE archived_workflows;
