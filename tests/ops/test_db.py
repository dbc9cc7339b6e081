"""`studybot db backup` and `studybot db export` on databases the core wrote."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.commands import SubmitAnswer
from bot.core.grading import Grader
from bot.core.refs import UserRef
from bot.inflight import TrackedService
from storage import Database
from storage.backup import backup_database
from storage.export import EXPORT_COLUMNS, export_answers
from tests.core.conftest import BOB, CHAT
from tests.ops.conftest import posted_service

GOOD = (
    "Pooling down-samples the feature maps to a smaller spatial size; max pooling keeps the "
    "largest value of each window, which adds translation invariance."
)
TRICKY = UserRef("console", "u-eve", '=HYPERLINK("http://x")')


async def write_answers(path: Path, grader: Grader) -> dict[str, int]:
    """Bob and a member with a formula for a name answer; returns each one's ledger points."""
    db = await Database.open(path)
    try:
        service = await posted_service(db, grader)
        await service.handle(SubmitAnswer(CHAT, BOB, text=GOOD))
        await service.handle(SubmitAnswer(CHAT, TRICKY, text="Pooling makes maps smaller."))
        async with db.read() as store:
            totals = await store.ledger.list_totals(None, None)
    finally:
        await db.close()
    return {total.name: total.points for total in totals}


async def test_backup_while_open_includes_what_is_still_in_the_wal(
    service: TrackedService, db: Database, db_path: Path, tmp_path: Path
) -> None:
    await service.handle(SubmitAnswer(CHAT, BOB, text=GOOD))
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size > 0  # a plain file copy would miss these pages
    result = await backup_database(db_path, tmp_path / "copy.db")
    assert result.integrity == "ok"
    assert result.schema_version == await db.user_version()
    copy = await Database.open(tmp_path / "copy.db")
    try:
        assert await copy.dump() == await db.dump()
    finally:
        await copy.close()


async def test_backup_keeps_up_with_answers_arriving(
    service: TrackedService, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.backup.PAGES_PER_STEP", 1)  # many steps, writes in between
    members = [UserRef("console", f"u{n}", f"Member {n}") for n in range(30)]
    writes = asyncio.gather(*(service.handle(SubmitAnswer(CHAT, m, text=GOOD)) for m in members))
    result = await backup_database(db_path, tmp_path / "copy.db")
    await writes
    assert result.integrity == "ok"
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_command(tmp_path: Path, grader: Grader, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "studybot.db"
    asyncio.run(write_answers(source, grader))
    target = tmp_path / "backups" / "monday.db"
    target.parent.mkdir()
    assert main(["db", "backup", str(target), "--db", str(source)]) == 0
    assert "integrity ok" in capsys.readouterr().out
    assert [p.name for p in target.parent.iterdir()] == ["monday.db"]  # no partial file left
    out = io.StringIO()
    asyncio.run(export_answers(target, out))
    assert len(out.getvalue().splitlines()) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db", "{tmp}/missing.db", "{tmp}/copy.db"], "There is no database"),
        (["--db", "{tmp}/studybot.db", "{tmp}/nowhere/copy.db"], "does not exist"),
        (["--db", "{tmp}/studybot.db", "{tmp}/studybot.db"], "another file"),
        (["--db", "{tmp}/studybot.db", "{tmp}"], "is a folder"),
    ],
)
def test_backup_refuses_bad_paths_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    sqlite3.connect(tmp_path / "studybot.db").close()
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["db", "backup", *(a.format(tmp=tmp_path) for a in args)]) == 1
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_export_command_writes_answers_and_scores(tmp_path: Path, grader: Grader) -> None:
    source = tmp_path / "studybot.db"
    points = asyncio.run(write_answers(source, grader))
    output = tmp_path / "answers.csv"
    assert main(["db", "export", "--db", str(source), "--output", str(output)]) == 0
    with output.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    by_name = {row["member_name"]: row for row in rows}
    assert set(by_name) == {"Bob", "'" + TRICKY.name}  # a formula name is defused
    bob = by_name["Bob"]
    assert (bob["platform"], bob["chat_id"], bob["member_id"]) == ("console", "room-1", "u-bob")
    assert (bob["question_id"], bob["local_date"]) == ("pooling-purpose", "2026-03-02")
    assert int(bob["points"]) == points["Bob"] > 0
    assert int(bob["score"]) > int(by_name["'" + TRICKY.name]["score"])
    assert bob["verdict"] and bob["answered_at"].startswith("2026-03-02T09:00")


def test_export_to_standard_output(
    tmp_path: Path, grader: Grader, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "studybot.db"
    asyncio.run(write_answers(source, grader))
    assert main(["db", "export", "--db", str(source)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS) and len(lines) == 3


def test_export_of_a_missing_database_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "answers.csv"
    assert main(["db", "export", "--db", str(tmp_path / "x.db"), "--output", str(output)]) == 1
    assert "There is no database" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
