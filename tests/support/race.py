"""Run the same function in separate processes released together by a barrier, as real concurrent clients."""
import multiprocessing
import os
import traceback


def _worker(barrier, results, index, target, args, database_url):
    os.environ["DATABASE_URL"] = database_url
    from db.engine import engine_for

    engine_for.cache_clear()  # never reuse the parent's pooled connections after fork
    try:
        barrier.wait(timeout=60)
        results.put((index, "ok", target(*args)))
    except Exception as error:  # reported to the parent, which asserts on it
        results.put((index, "error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))


def run_together(target, args_list, database_url: str) -> list[tuple[str, object]]:
    """Return [(status, value)] per process, in order; `target` must be a module-level function."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(args_list)), context.Queue()
    processes = [context.Process(target=_worker, args=(barrier, results, i, target, args, database_url))
                 for i, args in enumerate(args_list)]
    for process in processes:
        process.start()
    collected = dict((index, (status, value)) for index, status, value in
                     (results.get(timeout=120) for _ in processes))
    for process in processes:
        process.join(timeout=60)
    return [collected[i] for i in range(len(processes))]
