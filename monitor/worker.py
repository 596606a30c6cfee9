"""Start and stop one worker: broker (embedded or configured), topics, services, the Faust worker.

    frontwatch run = [start embedded broker] → create topics → open the store → build the app → run
                     until SIGINT/SIGTERM → close services → [stop embedded broker]
"""

from __future__ import annotations

import asyncio
import logging
import sys

import faust

from monitor.broker import BrokerError, EmbeddedBroker, ensure_topics
from monitor.config import MonitorConfig
from monitor.runtime import Services
from monitor.storage import Store
from monitor.stream import build_app, topic_partitions

log = logging.getLogger("monitor.worker")


class FrontwatchWorker(faust.Worker):
    """Faust's worker, closing our services (pollers, HTTP sessions, dispatcher) on the way down."""

    def __init__(self, app: faust.App, services: Services, **kwargs):
        super().__init__(app, **kwargs)
        self.frontwatch_services = services
        self.spinner = None  # Faust's terminal spinner writes cursor escapes into logs

    async def on_stop(self) -> None:
        await self.frontwatch_services.close()
        await super().on_stop()


def say(message: str) -> None:
    print(f"frontwatch: {message}", file=sys.stderr, flush=True)


def run_worker(config: MonitorConfig) -> int:
    """Run until stopped by a signal; returns the process exit code."""
    broker: EmbeddedBroker | None = None
    url = config.broker
    try:
        if not url:
            broker = EmbeddedBroker()
            url = broker.start()
            say(f"no broker configured; started the embedded broker on {url}")
        asyncio.run(ensure_topics(url, topic_partitions(config.partitions)))
        store = Store(config.database)
        services = Services(config, store)
        services.broker_url = url
        app = build_app(config, url, services)
        say(f"{len(config.feeds)} feeds, database {store.engine.url.render_as_string(hide_password=True)}")
        worker = FrontwatchWorker(
            app,
            services,
            loglevel=logging.getLogger().level or logging.INFO,
            quiet=True,
            redirect_stdouts=False,
            override_logging=False,
        )
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
            return code
        return 0
    except BrokerError as exc:
        say(str(exc))
        return 1
    finally:
        if broker is not None:
            broker.stop()
            say("embedded broker stopped")
