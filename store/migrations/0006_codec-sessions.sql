-- Up Migration

-- The codec server's browser sessions (client/api/codec-sessions.ts). The cookie holds a random
-- reference and this table only its SHA-256, so neither a cookie nor a copy of this table carries a
-- bearer token, and a copy of the table opens no session. Staff references and roles only: no case data.
CREATE TABLE codec_sessions (
  reference_sha256 bytea       PRIMARY KEY,
  sub              text        NOT NULL,
  role             text        NOT NULL,
  agency           text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- Never later than the expiry of the token that opened the session.
  expires_at       timestamptz NOT NULL
);
CREATE INDEX codec_sessions_expiry ON codec_sessions (expires_at);

-- Down Migration
DROP TABLE codec_sessions;
