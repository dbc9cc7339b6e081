-- Leaderboards at scale. Triggers keep running totals in step with the points ledger: per
-- chat and member (a chat's all-time board), per member over every chat (all time, each UTC
-- week and each UTC month), and how many members hold each points value on each board (a
-- member's rank without counting everyone ahead). A chat's own week and month windows sum its
-- rows through covering indexes. So a board reads its top rows, never every answer.

CREATE TABLE ledger_totals (
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    points      INTEGER NOT NULL,
    answers     INTEGER NOT NULL,
    PRIMARY KEY (chat_id, member_id)
) WITHOUT ROWID;
CREATE INDEX ledger_totals_by_points ON ledger_totals (chat_id, points);
CREATE INDEX ledger_totals_by_member ON ledger_totals (member_id);

CREATE TABLE member_totals (
    member_id   INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    points      INTEGER NOT NULL,
    answers     INTEGER NOT NULL
);
CREATE INDEX member_totals_by_points ON member_totals (points);

-- Every-chat boards count UTC calendar weeks and months (members answer from many timezones):
-- each week or month keeps its own totals, keyed by the date it starts.
CREATE TABLE member_weeks (
    week        TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    points      INTEGER NOT NULL,
    answers     INTEGER NOT NULL,
    PRIMARY KEY (week, member_id)
) WITHOUT ROWID;
CREATE INDEX member_weeks_by_points ON member_weeks (week, points);
CREATE INDEX member_weeks_by_member ON member_weeks (member_id);

CREATE TABLE member_months (
    month       TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    points      INTEGER NOT NULL,
    answers     INTEGER NOT NULL,
    PRIMARY KEY (month, member_id)
) WITHOUT ROWID;
CREATE INDEX member_months_by_points ON member_months (month, points);
CREATE INDEX member_months_by_member ON member_months (member_id);

-- Members per points value on each board: 'chat' (key: the chat's row id), 'all' (key ''),
-- 'week' and 'month' (key: the date the period starts).
CREATE TABLE points_histogram (
    board       TEXT NOT NULL,
    key         TEXT NOT NULL,
    points      INTEGER NOT NULL,
    members     INTEGER NOT NULL,
    PRIMARY KEY (board, key, points)
) WITHOUT ROWID;

CREATE TRIGGER ledger_totals_added AFTER INSERT ON ledger_totals BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('chat', CAST(NEW.chat_id AS TEXT), NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER ledger_totals_changed AFTER UPDATE OF points ON ledger_totals
WHEN OLD.points IS NOT NEW.points BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('chat', CAST(OLD.chat_id AS TEXT), OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'chat' AND key = CAST(OLD.chat_id AS TEXT) AND points = OLD.points
        AND members = 0;
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('chat', CAST(NEW.chat_id AS TEXT), NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER ledger_totals_removed AFTER DELETE ON ledger_totals BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('chat', CAST(OLD.chat_id AS TEXT), OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'chat' AND key = CAST(OLD.chat_id AS TEXT) AND points = OLD.points
        AND members = 0;
END;

CREATE TRIGGER member_totals_added AFTER INSERT ON member_totals BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('all', '', NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER member_totals_changed AFTER UPDATE OF points ON member_totals
WHEN OLD.points IS NOT NEW.points BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('all', '', OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'all' AND key = '' AND points = OLD.points
        AND members = 0;
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('all', '', NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER member_totals_removed AFTER DELETE ON member_totals BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('all', '', OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'all' AND key = '' AND points = OLD.points
        AND members = 0;
END;

CREATE TRIGGER member_weeks_added AFTER INSERT ON member_weeks BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('week', NEW.week, NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER member_weeks_changed AFTER UPDATE OF points ON member_weeks
WHEN OLD.points IS NOT NEW.points BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('week', OLD.week, OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'week' AND key = OLD.week AND points = OLD.points
        AND members = 0;
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('week', NEW.week, NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER member_weeks_removed AFTER DELETE ON member_weeks BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('week', OLD.week, OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'week' AND key = OLD.week AND points = OLD.points
        AND members = 0;
END;

CREATE TRIGGER member_months_added AFTER INSERT ON member_months BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('month', NEW.month, NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER member_months_changed AFTER UPDATE OF points ON member_months
WHEN OLD.points IS NOT NEW.points BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('month', OLD.month, OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'month' AND key = OLD.month AND points = OLD.points
        AND members = 0;
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('month', NEW.month, NEW.points, +1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER member_months_removed AFTER DELETE ON member_months BEGIN
    INSERT INTO points_histogram (board, key, points, members)
        VALUES ('month', OLD.month, OLD.points, -1)
        ON CONFLICT (board, key, points) DO UPDATE SET members = members - 1;
    DELETE FROM points_histogram
        WHERE board = 'month' AND key = OLD.month AND points = OLD.points
        AND members = 0;
END;

-- Totals for the points already in the ledger (the histogram triggers count them in).
INSERT INTO ledger_totals (chat_id, member_id, points, answers)
    SELECT chat_id, member_id, SUM(points + bonus), COUNT(*) FROM points_ledger
    GROUP BY chat_id, member_id;
INSERT INTO member_totals (member_id, points, answers)
    SELECT member_id, SUM(points + bonus), COUNT(*) FROM points_ledger GROUP BY member_id;
INSERT INTO member_weeks (week, member_id, points, answers)
    SELECT date(substr(l.created_at, 1, 10), '-6 days', 'weekday 1'), l.member_id,
        SUM(l.points + l.bonus), COUNT(*)
    FROM points_ledger l GROUP BY 1, 2;
INSERT INTO member_months (month, member_id, points, answers)
    SELECT substr(l.created_at, 1, 7) || '-01', l.member_id, SUM(l.points + l.bonus), COUNT(*)
    FROM points_ledger l GROUP BY 1, 2;

-- From now on every write to the ledger (an answer, a replaced answer, a skipped post, a member
-- deleted with everything they wrote) moves the totals with it.
CREATE TRIGGER ledger_added AFTER INSERT ON points_ledger BEGIN
    INSERT INTO ledger_totals (chat_id, member_id, points, answers)
        VALUES (NEW.chat_id, NEW.member_id, NEW.points + NEW.bonus, 1)
        ON CONFLICT (chat_id, member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
    INSERT INTO member_totals (member_id, points, answers)
        VALUES (NEW.member_id, NEW.points + NEW.bonus, 1)
        ON CONFLICT (member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
    INSERT INTO member_weeks (week, member_id, points, answers)
        VALUES (date(substr(NEW.created_at, 1, 10), '-6 days', 'weekday 1'), NEW.member_id,
            NEW.points + NEW.bonus, 1)
        ON CONFLICT (week, member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
    INSERT INTO member_months (month, member_id, points, answers)
        VALUES (substr(NEW.created_at, 1, 7) || '-01', NEW.member_id, NEW.points + NEW.bonus, 1)
        ON CONFLICT (month, member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
END;

CREATE TRIGGER ledger_changed
AFTER UPDATE OF chat_id, member_id, points, bonus, created_at ON points_ledger BEGIN
    UPDATE ledger_totals SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE chat_id = OLD.chat_id AND member_id = OLD.member_id;
    UPDATE member_totals SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE member_id = OLD.member_id;
    UPDATE member_weeks SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE week = date(substr(OLD.created_at, 1, 10), '-6 days', 'weekday 1')
        AND member_id = OLD.member_id;
    UPDATE member_months SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE month = substr(OLD.created_at, 1, 7) || '-01' AND member_id = OLD.member_id;
    INSERT INTO ledger_totals (chat_id, member_id, points, answers)
        VALUES (NEW.chat_id, NEW.member_id, NEW.points + NEW.bonus, 1)
        ON CONFLICT (chat_id, member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
    INSERT INTO member_totals (member_id, points, answers)
        VALUES (NEW.member_id, NEW.points + NEW.bonus, 1)
        ON CONFLICT (member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
    INSERT INTO member_weeks (week, member_id, points, answers)
        VALUES (date(substr(NEW.created_at, 1, 10), '-6 days', 'weekday 1'), NEW.member_id,
            NEW.points + NEW.bonus, 1)
        ON CONFLICT (week, member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
    INSERT INTO member_months (month, member_id, points, answers)
        VALUES (substr(NEW.created_at, 1, 7) || '-01', NEW.member_id, NEW.points + NEW.bonus, 1)
        ON CONFLICT (month, member_id) DO UPDATE SET
            points = points + excluded.points, answers = answers + 1;
    DELETE FROM ledger_totals
        WHERE chat_id = OLD.chat_id AND member_id = OLD.member_id AND answers = 0;
    DELETE FROM member_totals WHERE member_id = OLD.member_id AND answers = 0;
    DELETE FROM member_weeks
        WHERE week = date(substr(OLD.created_at, 1, 10), '-6 days', 'weekday 1')
        AND member_id = OLD.member_id AND answers = 0;
    DELETE FROM member_months
        WHERE month = substr(OLD.created_at, 1, 7) || '-01' AND member_id = OLD.member_id
        AND answers = 0;
END;

CREATE TRIGGER ledger_removed AFTER DELETE ON points_ledger BEGIN
    UPDATE ledger_totals SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE chat_id = OLD.chat_id AND member_id = OLD.member_id;
    UPDATE member_totals SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE member_id = OLD.member_id;
    UPDATE member_weeks SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE week = date(substr(OLD.created_at, 1, 10), '-6 days', 'weekday 1')
        AND member_id = OLD.member_id;
    UPDATE member_months SET points = points - OLD.points - OLD.bonus, answers = answers - 1
        WHERE month = substr(OLD.created_at, 1, 7) || '-01' AND member_id = OLD.member_id;
    DELETE FROM ledger_totals
        WHERE chat_id = OLD.chat_id AND member_id = OLD.member_id AND answers = 0;
    DELETE FROM member_totals WHERE member_id = OLD.member_id AND answers = 0;
    DELETE FROM member_weeks
        WHERE week = date(substr(OLD.created_at, 1, 10), '-6 days', 'weekday 1')
        AND member_id = OLD.member_id AND answers = 0;
    DELETE FROM member_months
        WHERE month = substr(OLD.created_at, 1, 7) || '-01' AND member_id = OLD.member_id
        AND answers = 0;
END;

-- A chat's week and month boards sum the window's rows straight from these (no table look-ups).
DROP INDEX ledger_by_chat_time;
DROP INDEX ledger_by_time;
CREATE INDEX ledger_by_chat_time ON points_ledger (chat_id, created_at, member_id, points, bonus);
CREATE INDEX ledger_by_time ON points_ledger (created_at, member_id, points, bonus);

-- A restart looks up the chats with something to catch up on in one read.
CREATE INDEX posts_pending ON posts (chat_id)
    WHERE reveal_delivered_at IS NULL AND skipped_at IS NULL;
