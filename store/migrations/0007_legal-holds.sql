-- Up Migration

-- Legal holds (issue 21 item 7; docs/data-protection.md, legal hold): a case and its subject kept past
-- their retention while a domestic homicide review or litigation is pending. One row per hold, lifted
-- in place (never deleted), so the table is the record of every hold and who placed and lifted it.
-- The destroy step of retention (activities/retention.ts) reads this table in the same transaction
-- that deletes the data keys, under the same advisory locks as placing a hold (store/holds), so a hold
-- committed before the keys are deleted always wins.
CREATE TABLE legal_holds (
  hold_id      text        PRIMARY KEY,
  case_id      text        NOT NULL,
  -- The subject's keyed hash (as in retention-<hash>): nothing personal.
  subject_key  text        NOT NULL,
  placed_at    timestamptz NOT NULL,
  -- Who: role, agency and staff reference (as the access log names staff); never a victim's data.
  placed_by    jsonb       NOT NULL,
  -- Why, as free text that may name people: sealed under the case's data key (an encrypted payload),
  -- so it goes with the case's personal data once the hold is lifted and the key destroyed.
  reason       jsonb       NOT NULL,
  lifted_at    timestamptz,
  lifted_by    jsonb,
  lift_reason  jsonb,
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL) AND (lifted_at IS NULL) = (lift_reason IS NULL))
);
-- At most one hold in place per case; a lifted one stays as history.
CREATE UNIQUE INDEX legal_holds_one_in_place ON legal_holds (case_id) WHERE lifted_at IS NULL;
CREATE INDEX legal_holds_subject_in_place ON legal_holds (subject_key) WHERE lifted_at IS NULL;
CREATE INDEX legal_holds_case ON legal_holds (case_id, placed_at);

-- Down Migration
DROP TABLE legal_holds;
