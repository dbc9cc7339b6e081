"""The deployment files agree with the code: the commands they run exist and parse, and every
`STUDYBOT_` variable they set is one the configuration reads."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from bot.cli import build_parser
from tests.test_config import EXAMPLE

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
UNIT = (DEPLOY / "studybot.service").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def documented() -> set[str]:
    return set(re.findall(r"^(STUDYBOT_[A-Z0-9_]+)=", EXAMPLE.read_text(), re.M))


def dockerfile_command(instruction: str) -> list[str]:
    """The exec-form JSON array of the last `instruction` (continuation lines joined)."""
    joined = DOCKERFILE.replace("\\\n", " ")
    matches = re.findall(rf"^{instruction}\s+(?:.*?CMD\s+)?(\[.*\])\s*$", joined, re.M)
    return list(json.loads(matches[-1]))


def unit_values(key: str) -> list[str]:
    return re.findall(rf"^{key}=(.*)$", UNIT, re.M)


@pytest.mark.parametrize(
    "argv",
    [
        dockerfile_command("HEALTHCHECK"),
        dockerfile_command("ENTRYPOINT") + dockerfile_command("CMD"),
        *(shlex.split(line) for line in unit_values("ExecStart") + unit_values("ExecStartPre")),
    ],
    ids=["healthcheck", "container", "unit-start", "unit-start-pre"],
)
def test_every_command_the_deployment_runs_parses(argv: list[str]) -> None:
    assert Path(argv[0]).name == "studybot"
    args = build_parser().parse_args(argv[1:])
    assert callable(args.func)


def test_the_health_check_looks_at_the_heartbeat_the_image_configures() -> None:
    assert "--heartbeat-max-age" in dockerfile_command("HEALTHCHECK")
    assert re.search(r"STUDYBOT_HEARTBEAT_FILE=/data/", DOCKERFILE)
    assert 'VOLUME ["/data"]' in DOCKERFILE and re.search(r"^USER studybot$", DOCKERFILE, re.M)


def test_every_variable_the_deployment_sets_is_one_config_reads() -> None:
    known = documented()
    image = set(re.findall(r"(STUDYBOT_[A-Z0-9_]+)=", DOCKERFILE))
    unit = {line.split("=", 1)[0] for line in unit_values("Environment")}
    compose = set(COMPOSE["services"]["studybot"]["environment"])
    assert image and unit and compose
    assert (image | unit | compose) <= known


def test_the_unit_restarts_on_failure_and_reads_an_environment_file() -> None:
    assert unit_values("Restart") == ["on-failure"]
    assert unit_values("EnvironmentFile") == ["/etc/studybot/studybot.env"]
    assert unit_values("KillSignal") == ["SIGTERM"]
    assert unit_values("NoNewPrivileges") == ["yes"]
    assert unit_values("ProtectSystem") == ["strict"]
