-- Up Migration

-- The dispute record (issue 15 item 3; store/records): what the escalation report reads of each dispute,
-- written by the dispute's workflow (activity recordDispute) as it moves. The learning, free text, only
-- as a payload encrypted under the case's data key.
CREATE TABLE dispute_records (
  case_id        text    NOT NULL,
  dispute_id     text    NOT NULL,
  workflow_id    text    NOT NULL,
  version        integer NOT NULL,
  profile        text    NOT NULL,
  area           text    NOT NULL,
  parties        text[]  NOT NULL,
  raised_at      text    NOT NULL,
  status         text    NOT NULL,
  stage          integer NOT NULL,
  highest_stage  integer NOT NULL,
  highest_step   text    NOT NULL,
  resolved_at    text,
  time_to_resolution_ms double precision,
  personal       bytea   NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, dispute_id)
);
CREATE INDEX dispute_records_raised ON dispute_records (raised_at);

-- Down Migration
DROP TABLE dispute_records;
