"""Structured logs: one line per event, chat and member ids on command events, answer text never
at INFO, and tokens masked even when an error message quotes them."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.config import load_settings
from bot.core.commands import SubmitAnswer
from bot.core.errors import BadInput
from bot.inflight import TrackedService
from bot.logs import MASK, EventFormatter, Redactor, log_fields, setup_logging
from tests.core.conftest import BOB, CHAT

TELEGRAM = "987654321:" + "Zq8_xY-3" * 4 + "abc"
DISCORD = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gh7Kx2.pQ9rS3tU4vW5xY6zA7bC8dE9fG0hI1jK2lM3nO4"
ANSWER = "Pooling down-samples feature maps; max pooling keeps the largest value in a window."

log = logging.getLogger("tests.ops")


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def configured(monkeypatch: pytest.MonkeyPatch, style: str, level: str = "DEBUG") -> io.StringIO:
    """Logging set up as `studybot run` does, from tokens in the environment."""
    monkeypatch.setenv("STUDYBOT_TELEGRAM_TOKEN", TELEGRAM)
    monkeypatch.setenv("STUDYBOT_DISCORD_TOKEN", DISCORD)
    settings = load_settings(env_file=None)
    stream = io.StringIO()
    setup_logging(level, style, (settings.telegram_token, settings.discord_token), stream)
    return stream


@pytest.mark.parametrize("style", ["text", "json"])
@pytest.mark.usefixtures("root_logging")
def test_tokens_from_the_environment_never_reach_the_log(
    monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    stream = configured(monkeypatch, style)
    url = f"https://api.telegram.org/bot{TELEGRAM}/getMe"
    log.error("request to %s failed", url)
    log.warning("login with %s refused", DISCORD, extra={"detail": f"token={DISCORD}"})
    try:
        raise ConnectionError(f"cannot reach {url}")
    except ConnectionError:
        log.exception("start-up failed")
    with log_fields(chat="telegram:-100", member="7"):
        log.info("Authorization: Bot %s", DISCORD)
    output = stream.getvalue()
    assert len(lines(stream)) == 4  # one line per event, the traceback included
    assert TELEGRAM not in output and TELEGRAM.split(":")[1] not in output
    assert DISCORD not in output
    assert output.count(MASK) >= 5
    assert "cannot reach" in output and "ConnectionError" in output


def test_token_shapes_are_masked_even_when_not_configured() -> None:
    redactor = Redactor()
    other = "123456789:" + "B" * 35
    assert redactor.redact(f"x {other} y") == f"x {MASK} y"
    assert redactor.redact(f"bot{other}/getMe") == f"bot{MASK}/getMe"
    assert redactor.redact(DISCORD) == MASK
    # Ordinary dotted names and times stay readable.
    for text in ("bot.adapters.telegram.delivery", "09:00", "chat 12345:ok", "v1.2.3"):
        assert redactor.redact(text) == text


@pytest.mark.usefixtures("root_logging")
def test_json_lines_carry_fields_and_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = configured(monkeypatch, "json")
    with log_fields(chat="telegram:-100", member="42"):
        log.info("posted", extra={"question": "pooling-purpose"})
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        log.exception("job failed")
    first, second = (json.loads(line) for line in lines(stream))
    assert first["msg"] == "posted" and first["level"] == "INFO"
    assert (first["chat"], first["member"], first["question"]) == (
        "telegram:-100",
        "42",
        "pooling-purpose",
    )
    assert "ZeroDivisionError" in second["exc"] and "chat" not in second


def test_text_lines_quote_what_needs_quoting() -> None:
    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "two\nlines", None, None)
    record.chat = "telegram:-100"
    line = EventFormatter("text").format(record)
    assert "\n" not in line
    assert 'msg="two\\nlines"' in line and "chat=telegram:-100" in line
    assert line.startswith("ts=") and " level=INFO logger=bot.x " in line


@pytest.mark.usefixtures("root_logging")
async def test_an_answer_is_one_info_event_with_ids_and_without_its_text(
    monkeypatch: pytest.MonkeyPatch, service: TrackedService
) -> None:
    stream = configured(monkeypatch, "json", level="INFO")
    await service.handle(SubmitAnswer(CHAT, BOB, text=ANSWER))
    events = [json.loads(line) for line in lines(stream)]
    done = [e for e in events if e["msg"] == "command done"]
    assert len(done) == 1
    assert done[0]["chat"] == f"{CHAT.platform}:{CHAT.chat_id}"
    assert done[0]["member"] == BOB.user_id
    assert done[0]["command"] == "SubmitAnswer"
    assert "pooling" not in stream.getvalue().lower()  # not a word of the answer at INFO


@pytest.mark.usefixtures("root_logging")
async def test_a_refused_command_logs_its_reason(
    monkeypatch: pytest.MonkeyPatch, service: TrackedService
) -> None:
    stream = configured(monkeypatch, "text", level="INFO")
    with pytest.raises(BadInput):
        await service.handle(SubmitAnswer(CHAT, BOB, text=""))
    (line,) = [line for line in lines(stream) if "command refused" in line]
    assert "key=answer.empty" in line and f"member={BOB.user_id}" in line
