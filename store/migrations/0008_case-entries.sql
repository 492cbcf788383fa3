-- Up Migration

-- Timeline entries of a case that its own workflow does not write (issue 21 item 3): the subject's
-- `repeat.window-ended`, written when the victim's repeat window passes, usually long after the case
-- closed. Read into the case's timeline beside its history's entries (client/cases.ts), as the legal
-- holds are. Only non-personal facts: case IDs, entry types, instants, agency identifiers.
CREATE TABLE case_entries (
  case_id  text        NOT NULL,
  at       text        NOT NULL,
  type     text        NOT NULL,
  -- The whole entry (domain/timeline.ts), non-personal by its type's schema.
  entry    jsonb       NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- One entry of a type at an instant: a retried write changes nothing.
  PRIMARY KEY (case_id, type, at)
);

-- Down Migration
DROP TABLE case_entries;
