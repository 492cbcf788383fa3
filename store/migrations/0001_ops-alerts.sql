-- Up Migration

-- What an operator must act on, raised by any process (a history the archive could not replay, say)
-- and shown by /health and `hrda ops`. Never personal data: workflow IDs and codes only.
CREATE TABLE ops_alerts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  raised_at   timestamptz NOT NULL DEFAULT now(),
  kind        text        NOT NULL,
  subject     text        NOT NULL,
  detail      text        NOT NULL,
  resolved_at timestamptz
);
-- One open alert per kind and subject: raising it again is a no-op.
CREATE UNIQUE INDEX ops_alerts_open ON ops_alerts (kind, subject) WHERE resolved_at IS NULL;

-- Down Migration
DROP TABLE ops_alerts;
