"""cancel_and_wait stops even a task that swallows a cancellation."""

from __future__ import annotations

import asyncio

from monitor.tasks import cancel_and_wait


async def test_a_task_that_swallows_one_cancel_is_stopped_anyway():
    swallowed = []

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                if not swallowed:  # like a library turning a cancel into its own timeout error
                    swallowed.append(True)
                    asyncio.current_task().uncancel()
                    continue
                raise

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0.02)
    await asyncio.wait_for(cancel_and_wait([task], retry_every=0.05), 5)
    assert task.cancelled() and swallowed


async def test_finished_tasks_are_fine():
    task = asyncio.create_task(asyncio.sleep(0))
    await task
    await cancel_and_wait([task])
