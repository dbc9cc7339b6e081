-- Initial schema. Times are UTC ISO-8601 strings with a fixed format, so they sort as text.

CREATE TABLE chats (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    thread_id   TEXT,
    title       TEXT NOT NULL DEFAULT '',
    settings    TEXT NOT NULL DEFAULT '{}',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    UNIQUE (platform, chat_id)
);

CREATE TABLE members (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (platform, user_id)
);

CREATE TABLE posts (
    id                  INTEGER PRIMARY KEY,
    chat_id             INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    question_id         TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('daily', 'extra')),
    local_date          TEXT NOT NULL,
    message_id          TEXT,
    opens_at            TEXT NOT NULL,
    closes_at           TEXT NOT NULL,
    delivered_at        TEXT,
    revealed_at         TEXT,
    reveal_delivered_at TEXT,
    skipped_at          TEXT,
    created_at          TEXT NOT NULL
);
-- The daily post is unique per chat and local date: a restart, a DST double fire or a second
-- process cannot post twice.
CREATE UNIQUE INDEX posts_one_daily ON posts (chat_id, local_date) WHERE kind = 'daily';
CREATE INDEX posts_by_chat ON posts (chat_id, id);
CREATE INDEX posts_by_message ON posts (chat_id, message_id);
CREATE INDEX posts_by_question ON posts (chat_id, question_id, opens_at);

CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    score       INTEGER NOT NULL,
    verdict     TEXT NOT NULL,
    covered     TEXT NOT NULL DEFAULT '[]',
    missed      TEXT NOT NULL DEFAULT '[]',
    flags       TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    edited_at   TEXT,
    UNIQUE (post_id, member_id)
);
CREATE INDEX answers_by_member ON answers (member_id, post_id);

CREATE TABLE points_ledger (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    points      INTEGER NOT NULL,
    bonus       INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (post_id, member_id)
);
CREATE INDEX ledger_by_chat_time ON points_ledger (chat_id, created_at, member_id);
CREATE INDEX ledger_by_time ON points_ledger (created_at, member_id);
CREATE INDEX ledger_by_member ON points_ledger (member_id, chat_id);

CREATE TABLE streaks (
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    current     INTEGER NOT NULL,
    longest     INTEGER NOT NULL,
    last_date   TEXT NOT NULL,
    PRIMARY KEY (chat_id, member_id)
);

CREATE TABLE quiz_sessions (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    member_id       INTEGER REFERENCES members (id) ON DELETE CASCADE,
    mode            TEXT NOT NULL CHECK (mode IN ('text', 'choice')),
    topic           TEXT,
    total           INTEGER NOT NULL,
    time_limit_s    INTEGER NOT NULL,
    current_index   INTEGER NOT NULL DEFAULT 0,
    step_started_at TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'finished', 'abandoned')),
    created_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX quiz_sessions_running ON quiz_sessions (chat_id, status, member_id);

CREATE TABLE quiz_steps (
    session_id      INTEGER NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    question_id     TEXT NOT NULL,
    options         TEXT NOT NULL DEFAULT '[]',
    correct_option  INTEGER,
    PRIMARY KEY (session_id, idx)
);

CREATE TABLE quiz_answers (
    session_id  INTEGER NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text        TEXT,
    choice      INTEGER,
    score       INTEGER NOT NULL,
    verdict     TEXT NOT NULL,
    timed_out   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, idx, member_id)
);
CREATE INDEX quiz_answers_by_member ON quiz_answers (member_id);
