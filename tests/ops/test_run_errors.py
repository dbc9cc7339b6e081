"""A platform error at start-up: logged as one structured, masked line; exit status 1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot import app
from bot.config import Settings
from bot.logs import MASK
from tests.adapters.telegram.fake_api import TOKEN


@pytest.fixture
async def echoing_api() -> AsyncIterator[str]:
    """A Bot API that rejects every call with an error quoting the request path (token and all)."""

    async def reject(request: web.Request) -> web.Response:
        body = {"ok": False, "error_code": 400, "description": f"Bad Request: {request.path}"}
        return web.json_response(body, status=400)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", reject)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    await runner.cleanup()


@pytest.mark.usefixtures("root_logging")
async def test_an_error_quoting_the_token_is_logged_masked(
    tmp_path: Path, echoing_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        database=tmp_path / "studybot.db",
        telegram_token=TOKEN,
        telegram_api_url=echoing_api,
        log_format="json",
        log_level="DEBUG",
    )
    assert await app.run(settings) == 1
    lines = capsys.readouterr().err.splitlines()
    events = [json.loads(line) for line in lines]  # every line is one JSON event
    [event] = [e for e in events if e["msg"].startswith("stopped by an error")]
    assert f"/bot{MASK}/" in event["msg"]  # the error quoted the token; the log masks it
    assert event["level"] == "CRITICAL" and MASK in event["exc"]
    assert TOKEN not in "\n".join(lines)
    assert TOKEN.split(":")[1] not in "\n".join(lines)
