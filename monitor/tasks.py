"""Stopping asyncio tasks for sure.

A single ``task.cancel()`` can be lost: a library that turns its own timeout into an exception (aiohttp's
request timeout is one) may swallow a cancellation that lands at the same moment, and a polling loop
then simply goes on. ``cancel_and_wait`` cancels again until every task has finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable


async def cancel_and_wait(tasks: Iterable[asyncio.Task], *, retry_every: float = 0.5) -> None:
    """Cancel the tasks and wait until all are done, cancelling again any that shrugged it off."""
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _done, pending = await asyncio.wait(pending, timeout=retry_every)
