"""`studybot run` as a real child process, with its JSON log events read as they come."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
Event = dict[str, Any]


class BotProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.events: list[Event] = []
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._changed = asyncio.Event()
        self._readers = [
            asyncio.create_task(self._read(process.stderr, self._on_stderr)),
            asyncio.create_task(self._read(process.stdout, self.stdout.append)),
        ]

    @classmethod
    async def start(cls, workdir: Path, **variables: str) -> BotProcess:
        """`python -m bot run` in `workdir` with only the given `STUDYBOT_*` variables."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
        env.update(
            PYTHONPATH=str(REPO),
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
            STUDYBOT_LOG_FORMAT="json",
            STUDYBOT_LOG_LEVEL="DEBUG",
            **variables,
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=workdir,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def _read(self, stream: asyncio.StreamReader | None, keep: Callable[[str], None]) -> None:
        assert stream is not None
        while line := await stream.readline():
            keep(line.decode("utf-8", "replace").rstrip("\n"))
            self._changed.set()

    def _on_stderr(self, line: str) -> None:
        self.stderr.append(line)
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                self.events.append(json.loads(line))

    def find(self, msg: str, **fields: object) -> Event | None:
        for event in self.events:
            if event.get("msg") == msg and all(event.get(k) == v for k, v in fields.items()):
                return event
        return None

    async def wait_for(self, msg: str, within: float = 15.0, **fields: object) -> Event:
        """The first event with this message and fields; fails after `within` seconds."""
        async with asyncio.timeout(within):
            while (found := self.find(msg, **fields)) is None:
                if self.process.returncode is not None:
                    raise AssertionError(f"the bot exited: {self.stderr[-5:]}")
                self._changed.clear()
                await self._changed.wait()
        return found

    async def say(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def exit_code(self, within: float) -> int:
        async with asyncio.timeout(within):
            code = await self.process.wait()
            await asyncio.gather(*self._readers)
        return code

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
        if self.process.stdin is not None:
            self.process.stdin.close()
