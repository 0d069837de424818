"""Batch ingestion on Dask: many worker processes analyse, one client writes.

:func:`run_distributed` lists the input files, cuts them into partitions of about
``partition_size`` documents (a JSONL file into line ranges) and runs each partition as a Dask
task, on a :class:`~distributed.LocalCluster` of worker processes or on an existing cluster.
Each worker loads the spaCy pipeline once. Workers send back JSON and what merging needs of
each document; the client stores and merges each partition in one transaction as partitions
complete, so:

- a crash of the client loses at most the partition it was writing, and a re-run skips stored
  content (content hashes are checked on the workers, before any analysis);
- a killed worker's partition is redone by Dask, and a document that arrives twice is
  written once (:meth:`Store.add` is idempotent on the content hash).

    >>> run_distributed(["news/"], store_url="sitroom.db", workers=2)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

try:
    from distributed import Client, Future, LocalCluster, as_completed
except ImportError as exc:  # an optional extra: say which one
    raise ImportError(
        f"sitroom.scale needs Dask ({exc}); install it with: pip install 'sitroom[scale]'"
    ) from exc

from . import model
from ._scale_plan import Partition, Plan, plan_partitions
from ._scale_worker import Item, PartitionOutput, SitroomWorkerPlugin, analyse_partition
from .batch import Analysed, BatchSummary, Outcome, Status, merge_backlog, store_analysed
from .errors import ClusterError, ModelNotInstalled
from .ingest import IngestOptions
from .pipeline import DEFAULT_BATCH_SIZE, DEFAULT_MODEL
from .store import Store

DEFAULT_PARTITION_SIZE = 32
"""Documents per Dask task: big enough to amortise scheduling, small enough to redo cheaply."""

TASKS_IN_FLIGHT_PER_WORKER = 2
"""Partitions queued per worker: keeps workers busy without holding the whole input in tasks."""

SCHEDULER_TIMEOUT_SECONDS = 30.0
"""How long to wait for an existing scheduler and its first worker."""

ProgressCallback = Callable[[Outcome, int, int], None]
"""Called once per document with (outcome, documents done, documents expected)."""

__all__ = [
    "DEFAULT_PARTITION_SIZE",
    "DistributedSummary",
    "ProgressCallback",
    "WorkerStats",
    "plan_partitions",
    "run_distributed",
    "stored_hashes",
]


@dataclass
class WorkerStats:
    """What one worker process did: model loads, partitions, documents, time, peak memory."""

    pid: int
    loads: int = 0
    partitions: int = 0
    documents: int = 0
    seconds: float = 0.0  # wall time in tasks
    cpu_seconds: float = 0.0  # CPU time in tasks; far below ``seconds`` means starved cores
    peak_rss_mb: float = 0.0


@dataclass
class DistributedSummary(BatchSummary):
    """A :class:`BatchSummary` plus the expected total and per-worker figures."""

    total: int = 0
    workers: dict[str, WorkerStats] = field(default_factory=dict)


def run_distributed(
    sources: Sequence[str | Path],
    *,
    store_url: str | Path,
    options: IngestOptions | None = None,
    model: str = DEFAULT_MODEL,
    workers: int | None = None,
    scheduler: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> DistributedSummary:
    """Ingest ``sources`` on Dask workers and store every document once in ``store_url``.

    ``workers`` starts a local cluster of that many single-threaded processes (default: one
    per CPU); ``scheduler`` (``tcp://host:8786``) uses an existing cluster instead, whose
    workers must see the same paths and have Sitroom and the model installed. Unreadable
    sources and failed documents are recorded as failed outcomes and the run goes on.
    """
    if workers is not None and scheduler is not None:
        raise ValueError(
            "give workers= (a local cluster) or scheduler= (an existing one), not both"
        )
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be a positive number, not {workers!r}")
    plan = plan_partitions(sources, partition_size)
    summary = DistributedSummary(total=plan.total)
    with Store(store_url) as store:
        merge_backlog(store)  # documents a killed run stored but did not merge
        writer = _Writer(store, summary, on_progress)
        for error in plan.errors:
            writer.report(Outcome(error.source, Status.failed, error.reason))
        if plan.partitions:
            plugin = SitroomWorkerPlugin(
                model, batch_size, options or IngestOptions(), stored_hashes(store)
            )
            with _client(workers, scheduler) as client:
                _run(client, plugin, plan, writer)
    return summary


def stored_hashes(store: Store) -> frozenset[str]:
    """Content hashes of every document in ``store``: what a re-run must skip."""
    return store.content_hashes()


@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Client]:
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"cannot reach the Dask scheduler {scheduler!r} ({exc}); start one with "
                "'dask scheduler' or check the address"
            ) from exc
        with client:
            try:
                client.wait_for_workers(1, timeout=SCHEDULER_TIMEOUT_SECONDS)
            except TimeoutError as exc:
                raise ClusterError(
                    f"the Dask scheduler {scheduler!r} has no workers after "
                    f"{SCHEDULER_TIMEOUT_SECONDS:.0f} s; start some with 'dask worker {scheduler}'"
                ) from exc
            yield client
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: never clash with another cluster's 8787
        silence_logs=logging.ERROR,
    )
    with cluster, Client(cluster) as client:
        yield client


def _run(client: Client, plugin: SitroomWorkerPlugin, plan: Plan, writer: _Writer) -> None:
    # A name per run, so runs sharing a cluster never see each other's settings.
    name = f"sitroom-{uuid.uuid4().hex}"
    client.register_plugin(plugin, name=name)
    try:
        window = TASKS_IN_FLIGHT_PER_WORKER * max(1, sum(client.nthreads().values()))
        todo = iter(plan.partitions)
        by_key: dict[str, Partition] = {}
        running = as_completed()

        def submit_next() -> None:
            partition = next(todo, None)
            if partition is not None:
                key = f"{name}-{partition.index}"
                by_key[key] = partition
                running.add(client.submit(analyse_partition, partition, name, key=key))

        for _ in range(window):
            submit_next()
        for future in running:
            writer.write_partition(by_key.pop(future.key), future)
            submit_next()
    finally:
        with suppress(Exception):  # the cluster may be going away; nothing left to undo
            client.unregister_worker_plugin(name)


class _Writer:
    """The only database writer: one transaction per partition, progress per document."""

    def __init__(
        self, store: Store, summary: DistributedSummary, on_progress: ProgressCallback | None
    ) -> None:
        self.store = store
        self.summary = summary
        self.on_progress = on_progress
        self.done = 0

    def report(self, outcome: Outcome) -> None:
        self.summary.record(outcome)
        self.done += 1
        self.summary.total = max(self.summary.total, self.done)  # a JSON list file holds more
        if self.on_progress is not None:
            self.on_progress(outcome, self.done, self.summary.total)

    def write_partition(self, partition: Partition, future: Future) -> None:
        try:
            output: PartitionOutput = future.result()
        except ModelNotInstalled:
            raise  # every partition would fail the same way
        except Exception as exc:  # KilledWorker after repeated crashes, or a bug on a worker
            reason = f"{type(exc).__name__}: {exc}; nothing of it was stored, re-run to retry"
            self.report(Outcome(partition.describe(), Status.failed, reason))
            return
        finally:
            future.release()
        self._count_worker(output)
        for outcome in self._write(output.items):
            self.report(outcome)

    def _write(self, items: list[Item]) -> list[Outcome]:
        """Outcomes of a partition's items, in order; its results stored in one transaction."""
        analysed: list[Analysed] = []
        at: list[int] = []  # where each stored result's outcome goes
        outcomes: list[Outcome | None] = []
        for item in items:
            if item.kind == "stored":
                outcomes.append(Outcome(item.origin, Status.duplicate, item.message))
            elif item.kind != "result" or item.document_json is None or item.result_json is None:
                outcomes.append(Outcome(item.origin, Status.failed, item.message))
            else:
                document = model.Document.model_validate_json(item.document_json)
                result = model.DocumentResult.model_validate_json(item.result_json)
                at.append(len(outcomes))
                outcomes.append(None)
                analysed.append((document, result, item.merge))
        for index, outcome in zip(at, store_analysed(self.store, analysed), strict=True):
            outcomes[index] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    def _count_worker(self, output: PartitionOutput) -> None:
        stats = self.summary.workers.setdefault(output.worker, WorkerStats(output.pid))
        stats.loads = output.loads
        stats.partitions += 1
        stats.documents += len(output.items)
        stats.seconds += output.seconds
        stats.cpu_seconds += output.cpu_seconds
        stats.peak_rss_mb = max(stats.peak_rss_mb, output.peak_rss_mb)
