-- Accounts, sessions, tokens and the audit log. Times are UTC, written with
-- a fixed width (2006-01-02T15:04:05.000000Z) so they compare as text;
-- membership end dates are civil dates, YYYY-MM-DD, inclusive, '' for none.

-- An organisation is a membership several people share (a local
-- partnership pays once). A member's effective end date is the later of
-- their own and their organisation's.
CREATE TABLE organisations (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    membership_expires TEXT NOT NULL DEFAULT '',
    created            TEXT NOT NULL,
    updated            TEXT NOT NULL
);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name               TEXT NOT NULL DEFAULT '',
    -- password_hash is an argon2id PHC string; '' means no password yet
    -- (the person signs in after following a reset link).
    password_hash      TEXT NOT NULL DEFAULT '',
    role               TEXT NOT NULL CHECK (role IN ('member', 'staff', 'admin')),
    membership_expires TEXT NOT NULL DEFAULT '',
    organisation_id    INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    disabled           INTEGER NOT NULL DEFAULT 0,
    created            TEXT NOT NULL,
    updated            TEXT NOT NULL,
    password_changed   TEXT NOT NULL DEFAULT '',
    last_login         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX users_organisation ON users (organisation_id);

-- Server-side sessions: the cookie holds a random token, the table only its
-- SHA-256, so a copy of the database can't be used to sign in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created    TEXT NOT NULL,
    expires    TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- API tokens for scripts: shown once, stored as SHA-256, revoked not deleted
-- so the list keeps its history.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    created    TEXT NOT NULL,
    last_used  TEXT NOT NULL DEFAULT '',
    revoked    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- One-time password reset links issued by an admin.
CREATE TABLE reset_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created    TEXT NOT NULL,
    expires    TEXT NOT NULL,
    used       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reset_tokens_user ON reset_tokens (user_id);

-- Append-only record of who did what: sign-ins, failed sign-ins, account
-- changes, curation. actor is the email (or "system") at the time, kept
-- as text so the entry survives the account.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor_id INTEGER NOT NULL DEFAULT 0,
    actor    TEXT NOT NULL DEFAULT '',
    action   TEXT NOT NULL,
    target   TEXT NOT NULL DEFAULT '',
    details  TEXT NOT NULL DEFAULT '{}',
    ip       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action);
