-- Up Migration

-- What every API process shares (issue 15 item 5): idempotency records, the access log, the per-case
-- data keys and their tombstones, and each case's restriction. Nothing here is personal data in clear:
-- a stored response is sealed under the case's data key (or the key ring), the log names staff and
-- case IDs only, data keys are wrapped by the key ring, need-to-know lists hold staff references.

-- One row per (caller, Idempotency-Key), claimed by INSERT … ON CONFLICT DO NOTHING before the write
-- runs: the one process that inserted it performs the write; everyone else reads the row.
CREATE TABLE idempotency_records (
  -- sha256 of "<sub>\n<key>", base64url: the key as the caller sent it is not kept.
  scope        text        PRIMARY KEY,
  fingerprint  text        NOT NULL,
  state        text        NOT NULL CHECK (state IN ('pending', 'done')),
  -- done: the response to replay (status, headers, disclosure in clear; the body sealed).
  response     jsonb,
  claimed_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  CHECK ((state = 'done') = (response IS NOT NULL))
);
CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);

-- The consultation and disclosure log (DPA 2018 s62), append-only and hash-chained: each entry's hash
-- covers its sequence number, its content and the hash before it, so an edited or deleted row breaks
-- the chain (`hrda audit verify-log`). access_log_head holds the last sequence and hash: deleting the
-- newest rows is found too. Appends are serialised by locking the head row.
CREATE TABLE access_log (
  seq        bigint      PRIMARY KEY,
  at         timestamptz NOT NULL,
  case_id    text        NOT NULL,
  entry      jsonb       NOT NULL,
  prev_hash  text        NOT NULL,
  hash       text        NOT NULL
);
CREATE INDEX access_log_case ON access_log (case_id, seq);

CREATE TABLE access_log_head (
  id    boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq   bigint  NOT NULL,
  hash  text    NOT NULL
);
-- The chain starts from a hash of nothing (sha256 of the empty string, hex).
INSERT INTO access_log_head (seq, hash) VALUES (0, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

-- The application appends and reads; it never updates or deletes an entry.
CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the access log is append-only';
END $$;
CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_append_only();

-- Per-case (and per-subject) data keys, wrapped by the key ring (worker/codec/data-keys.ts).
CREATE TABLE data_keys (
  scope       text        NOT NULL,
  generation  integer     NOT NULL CHECK (generation > 0),
  wrapped_by  text        NOT NULL,
  wrapped     text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, generation)
);

-- What is left of a destroyed key: when and why. Its data_keys row is deleted in the same transaction.
CREATE TABLE data_key_tombstones (
  scope         text        NOT NULL,
  generation    integer     NOT NULL CHECK (generation > 0),
  destroyed_at  timestamptz NOT NULL,
  reason        text        NOT NULL,
  PRIMARY KEY (scope, generation)
);

-- Each case's restriction as last seen, so the codec server can place a payload whose workflow is gone.
CREATE TABLE case_restrictions (
  case_id      text        PRIMARY KEY,
  restricted   boolean     NOT NULL,
  need_to_know text[]      NOT NULL DEFAULT '{}',
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE case_restrictions;
DROP TABLE data_key_tombstones;
DROP TABLE data_keys;
DROP TRIGGER access_log_no_update ON access_log;
DROP FUNCTION access_log_append_only();
DROP TABLE access_log_head;
DROP TABLE access_log;
DROP TABLE idempotency_records;
