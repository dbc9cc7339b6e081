"""Starting the fake platform servers (`bench.fakebotapi`, `bench.fakediscord`) as processes of
their own, so the bot under test keeps its CPU and its memory figure to itself."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

START_WITHIN_S = 30.0
STOP_WITHIN_S = 10.0


@asynccontextmanager
async def fake_server(module: str, *args: str) -> AsyncIterator[str]:
    """Run `python -m module args...`; yields `http://127.0.0.1:PORT` once it listens. Closing
    its stdin stops it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        port = await asyncio.wait_for(process.stdout.readline(), START_WITHIN_S)
        yield f"http://127.0.0.1:{int(port)}"
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_WITHIN_S)
        except TimeoutError:
            process.kill()
            await process.wait()
