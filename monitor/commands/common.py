"""What every sub-command shares: the ``--config`` option and loading it the same way everywhere."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.config import ConfigError, MonitorConfig, config_from_env, load_config

DEFAULT_CONFIG = Path("config/monitor.yaml")

ConfigOption = typer.Option(
    None,
    "--config",
    "-c",
    envvar="FRONTWATCH_CONFIG",
    show_default=False,
    help=f"The monitor's YAML config (default: {DEFAULT_CONFIG} when it exists).",
)


def load_settings(config: Path | None, *, required: bool = False) -> MonitorConfig:
    """The config from ``--config``, else the default file when it exists, else the environment alone
    (``KAFKA_URL``, ``DATABASE_URL``). ``required``: a missing file is an error. Problems: one line, exit 2."""
    path = config or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() or required else None)
    if path is None:
        return config_from_env()
    try:
        settings = load_config(path)
    except ConfigError as exc:
        typer.echo(f"frontwatch: {exc}", err=True)
        raise typer.Exit(2) from None
    use_actor_files(settings)
    return settings


def use_actor_files(settings: MonitorConfig) -> None:
    """Extend the actor catalogue with the config's own actor files (before anything resolves a name)."""
    if not settings.actors:
        return
    from monitor.extract.actors import ActorCatalogue, CatalogueError

    try:
        ActorCatalogue.configure(settings.actor_files())
    except CatalogueError as exc:
        typer.echo(f"frontwatch: {settings.source}: actors: {exc}", err=True)
        raise typer.Exit(2) from None
