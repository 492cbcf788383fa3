-- Up Migration

-- The case record (issue 15 item 3; store/records, docs/ops.md "The case record"): what lists and reports
-- read of each case, written by the case workflow's recordCase activity whenever the case changes.
-- Identifiers, codes, counts and instants in clear; `personal` (dates of birth, equality monitoring)
-- only as a payload encrypted under the case's data key, exactly as Temporal stores the case's payloads.
-- Instants are kept as the case wrote them (ISO 8601, UTC), so reports compare them as the code does.
CREATE TABLE case_records (
  case_id          text        PRIMARY KEY,
  workflow_id      text        NOT NULL,
  -- The timeline's length when the record was taken: a write only replaces a record of a lower or equal version.
  version          integer     NOT NULL,
  status           text        NOT NULL,
  profile          text        NOT NULL,
  stage            text        NOT NULL,
  risk             text        NOT NULL,
  received_risk    text        NOT NULL,
  route            text,
  referrer_agency  text        NOT NULL,
  agencies         text[]      NOT NULL,
  restricted       boolean     NOT NULL,
  need_to_know     text[]      NOT NULL,
  started_at       text        NOT NULL,
  received_at      text        NOT NULL,
  meeting_at       text,
  heard_at         text,
  next_deadline    text,
  next_meeting     text,
  overdue_actions  integer     NOT NULL,
  open_disputes    integer     NOT NULL,
  disputes         text[]      NOT NULL,
  previous_case_id text,
  previous_received_at text,
  children         integer     NOT NULL,
  reviews_held     text[]      NOT NULL,
  review_meeting_at text,
  marac            jsonb,
  mash             jsonb,
  closed_at        text,
  -- A Temporal Payload (protobuf) encrypted under the case's data key: the personal facts.
  personal         bytea       NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_records_started ON case_records (started_at DESC, case_id DESC);
CREATE INDEX case_records_heard ON case_records (heard_at) WHERE heard_at IS NOT NULL;
CREATE INDEX case_records_received ON case_records (received_at);
CREATE INDEX case_records_profile ON case_records (profile, stage);

-- The Matrix's actions by reference (ID, owner, state, due date): never their wording.
CREATE TABLE case_record_actions (
  case_id   text    NOT NULL REFERENCES case_records (case_id) ON DELETE CASCADE,
  action_id text    NOT NULL,
  owner     text    NOT NULL,
  status    text    NOT NULL,
  due_at    text    NOT NULL,
  overdue   boolean NOT NULL,
  PRIMARY KEY (case_id, action_id)
);
CREATE INDEX case_record_actions_owner ON case_record_actions (owner, status);

-- Down Migration
DROP TABLE case_record_actions;
DROP TABLE case_records;
