"""`studybot grade`: placeholder until its area lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("grade", help="(not ready yet)")
    parser.set_defaults(func=lambda args: 1)
