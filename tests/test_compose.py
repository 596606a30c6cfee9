"""The deployment files, checked without a Docker engine: what parses, what is referenced, what is documented.

The image runs ``frontwatch run --config config/monitor.yaml``: the same console script and command the
end-to-end test starts (as ``python -m monitor run --config ...``).
"""

from __future__ import annotations

import base64
import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
import typer
import yaml

from monitor.cli import app as cli_app
from monitor.config import load_config

REPO = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), arguments
    return value


def image_command() -> list[str]:
    instructions = dict(dockerfile_instructions())  # the last ENTRYPOINT / CMD win, as in Docker
    return exec_form(instructions["ENTRYPOINT"]) + exec_form(instructions["CMD"])


def documented_variables() -> set[str]:
    names = set()
    for line in (REPO / ".env.example").read_text().splitlines():
        match = re.match(r"^\s*#?\s*([A-Z_][A-Z0-9_]*)=", line)
        if match:
            names.add(match.group(1))
    return names


def test_services_volumes_and_restart(compose: dict):
    services = compose["services"]
    assert {"kafka", "postgres", "web", "worker"} <= set(services)
    assert set(compose["volumes"]) >= {"postgres-data", "kafka-data"}
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name, service in services.items():
        assert service.get("restart") in ("unless-stopped", "always"), name
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_kafka_runs_in_kraft_mode_single_node(compose: dict):
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "ZOOKEEPER" not in " ".join(env)
    assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16  # a valid KRaft cluster id
    assert int(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == 1  # one node: replication factor 1
    assert any(v.endswith(":" + env["KAFKA_LOG_DIRS"]) for v in kafka["volumes"])


def test_workers_scale(compose: dict):
    """`--scale worker=3` needs no fixed names and no host ports; only `web` publishes the web port."""
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    for service in (web, worker):
        assert "container_name" not in service
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["environment"]["KAFKA_URL"].endswith("kafka://kafka:9092}")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]
        assert "/health" in " ".join(service["healthcheck"]["test"])
        assert service["init"] is True and service["stop_grace_period"]
    assert "ports" not in worker
    assert [port.rsplit(":", 1)[1] for port in web["ports"]] == [web["environment"]["FRONTWATCH_WEB_PORT"]]


def test_referenced_files_exist(compose: dict):
    for service in compose["services"].values():
        build = service.get("build")
        if build:
            context = REPO / (build if isinstance(build, str) else build.get("context", "."))
            assert (context / "Dockerfile").exists()
        for env_file in service.get("env_file", []):
            path = env_file["path"] if isinstance(env_file, dict) else env_file
            assert path == ".env" and (REPO / ".env.example").exists()
    for instruction, arguments in dockerfile_instructions():
        if instruction == "COPY":
            for source in shlex.split(arguments)[:-1]:
                assert (REPO / source).exists(), f"Dockerfile copies {source}, which is not in the repo"
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".venv" in ignored and ".git" in ignored


def test_dockerfile_is_slim_non_root_with_cached_dependencies():
    instructions = dockerfile_instructions()
    kinds = [kind for kind, _ in instructions]
    assert instructions[0] == ("FROM", "python:3.11-slim")
    user = [args for kind, args in instructions if kind == "USER"]
    assert user and user[-1] not in ("root", "0")
    copies = [args for kind, args in instructions if kind == "COPY"]
    assert copies[0].split()[0] == "pyproject.toml", "dependencies must install before the code is copied"
    first_code = kinds.index("COPY", kinds.index("COPY") + 1)
    assert any(kind == "RUN" and "pip install -r" in args for kind, args in instructions[:first_code])
    assert "HEALTHCHECK" in kinds and "/health" in dict(instructions)["HEALTHCHECK"]


def test_dockerfile_dependency_layer_lists_pyproject_dependencies(tmp_path):
    """The RUN that writes requirements.txt from pyproject.toml, run here as the image build runs it."""
    import subprocess
    import sys

    run = next(args for kind, args in dockerfile_instructions() if kind == "RUN" and "tomllib" in args)
    snippet = shlex.split(run.split(">", 1)[0])  # python -c "..." (up to the redirection)
    assert snippet[:2] == ["python", "-c"]
    (tmp_path / "pyproject.toml").write_bytes((REPO / "pyproject.toml").read_bytes())
    out = subprocess.run([sys.executable, "-c", snippet[2]], cwd=tmp_path, capture_output=True, text=True, check=True)
    expected = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert out.stdout.split() == [dep.replace(" ", "") for dep in expected] and len(expected) > 5


def test_image_command_is_the_command_the_tests_run(compose: dict):
    command = image_command()
    assert command == ["frontwatch", "run", "--config", "config/monitor.yaml"]
    for service in ("web", "worker"):
        assert compose["services"][service]["command"] == command[1:]
    # `frontwatch` is the console script of monitor.cli:main, which `python -m monitor` also runs.
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts[command[0]] == "monitor.cli:main"
    assert "from monitor.cli import main" in (REPO / "monitor" / "__main__.py").read_text()
    # `run --config FILE` parses as the CLI's run command, and the file loads with compose's variables.
    click_command = typer.main.get_command(cli_app)
    run = click_command.commands[command[1]]
    assert run.make_context("run", list(command[2:])).params["config"] == Path(command[3])
    settings = load_config(REPO / command[3], env={"KAFKA_URL": "kafka://kafka:9092", "FRONTWATCH_WEB_HOST": "0.0.0.0",
                                                   "DATABASE_URL": "postgresql://fw:pw@postgres:5432/frontwatch"})
    assert settings.broker == "kafka://kafka:9092" and settings.database.startswith("postgresql://")
    e2e = REPO / "tests" / "e2e.py"
    if e2e.exists():  # the end-to-end harness starts the same command
        assert '"run", "--config"' in e2e.read_text()


def test_every_variable_is_documented_in_env_example():
    used: set[str] = set()
    for path in [REPO / "docker-compose.yml", REPO / "config" / "monitor.yaml", *sorted((REPO / "rules").glob("*.yaml"))]:
        text = "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())  # not in comments
        used |= set(VARIABLE.findall(text))
    assert used, "no ${VAR} found: the scan is broken"
    missing = used - documented_variables()
    assert not missing, f"used but not documented in .env.example: {sorted(missing)}"
    assert {"SLACK_WEBHOOK_URL", "DATABASE_URL", "KAFKA_URL"} <= documented_variables()
    assert {name for name in documented_variables() if name.startswith("SMTP_")} >= {"SMTP_USER", "SMTP_PASS"}


def test_env_example_holds_no_secret():
    for line in (REPO / ".env.example").read_text().splitlines():
        name, _, value = line.partition("=")
        if re.search(r"(PASS|TOKEN|SECRET|WEBHOOK)", name) and not name.startswith("#"):
            assert value in ("", "change-me"), f"{name} has a value in .env.example"
