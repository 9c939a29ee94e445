"""Run a coroutine to completion in a thread of its own: Playwright's sync API (the browser tests share the
pytest process) may hold the main thread's event loop, where asyncio.run refuses to start another."""
import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_in_own_loop(coroutine):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
