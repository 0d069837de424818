"""What runs inside a Dask worker: read a partition, analyse it, send the results back.

The worker plugin carries the run's settings (model, ingest options, the content hashes
already stored) to every worker, including one the nanny restarts after a crash, and builds the
spaCy pipeline once per worker process, on its first task. Workers never touch the database:
they return JSON and each document's merge input (MinHash sketch, event features), and the
client is the only writer.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from distributed import WorkerPlugin, get_worker

from . import model
from ._scale_plan import Partition, Unit
from .errors import AnalysisError, IngestError
from .ingest import IngestOptions, iter_documents
from .ingest._read import documents_from_records
from .ingest.jsonl import iter_line_records
from .merge import MergeInput, prepare_merge
from .pipeline import Pipeline, build_pipeline


@dataclass(frozen=True)
class Item:
    """One document's fate on a worker, in a form that pickles small and safely."""

    origin: str
    kind: str  # "result" | "failed" (unreadable or analysis error) | "stored" (skipped)
    message: str = ""
    document_json: str | None = None
    result_json: str | None = None
    merge: MergeInput | None = None  # computed here, so the writer only does database work


@dataclass(frozen=True)
class PartitionOutput:
    """A partition's items plus facts about the worker that produced them."""

    index: int
    items: list[Item]
    worker: str
    pid: int
    loads: int
    peak_rss_mb: float
    seconds: float
    cpu_seconds: float  # this worker's CPU time on the partition: contention shows as less


@dataclass
class SitroomWorkerPlugin(WorkerPlugin):
    """Run settings for every worker, and the worker's one :class:`Pipeline`."""

    model: str
    batch_size: int
    options: IngestOptions
    stored: frozenset[str] = field(default_factory=frozenset)

    def setup(self, worker: object) -> None:
        # Set up here, not in __init__: the plugin is pickled before it reaches a worker.
        self.loads = 0
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()

    def pipeline(self) -> Pipeline:
        """The worker's pipeline, loaded on first use (tasks may share a worker's threads)."""
        with self._lock:
            if self._pipeline is None:
                self._pipeline = build_pipeline(self.model, batch_size=self.batch_size)
                self.loads += 1
            return self._pipeline

    def run(self, partition: Partition, worker: str) -> PartitionOutput:
        start, cpu_start = time.perf_counter(), time.process_time()
        items: list[Item] = []
        documents = list(_unstored(_read(partition.units, self.options), self.stored, items))
        if documents:  # a re-run over stored input never loads the model
            for document, result in self.pipeline().analyse_many(documents):
                items.append(_item(document, result))
        return PartitionOutput(
            index=partition.index,
            items=items,
            worker=worker,
            pid=os.getpid(),
            loads=self.loads,
            peak_rss_mb=peak_rss_mb(),
            seconds=time.perf_counter() - start,
            cpu_seconds=time.process_time() - cpu_start,
        )


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    Linux's ``VmHWM`` first: ``ru_maxrss`` survives exec, so a spawned worker would report the
    parent's peak if the parent was the larger.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def analyse_partition(partition: Partition, plugin_name: str) -> PartitionOutput:
    """The Dask task: analyse ``partition`` with the worker's plugin ``plugin_name``."""
    worker = get_worker()
    plugin = worker.plugins[plugin_name]
    assert isinstance(plugin, SitroomWorkerPlugin)
    return plugin.run(partition, worker.address)


def _unstored(
    items: Iterable[model.Document | IngestError], stored: frozenset[str], out: list[Item]
) -> Iterator[model.Document]:
    """Documents not yet in the store; errors and skips go straight to ``out``."""
    for item in items:
        if isinstance(item, IngestError):
            out.append(Item(item.source, "failed", item.reason))
        elif item.content_hash in stored:
            out.append(Item(item.origin, "stored", "already stored"))
        else:
            yield item


def _item(document: model.Document, result: model.DocumentResult | AnalysisError) -> Item:
    if isinstance(result, AnalysisError):
        return Item(document.origin, "failed", result.reason)
    return Item(
        document.origin,
        "result",
        document_json=document.model_dump_json(),
        result_json=result.to_json(),
        merge=prepare_merge(document, result),
    )


def _read(units: Iterable[Unit], options: IngestOptions) -> Iterator[model.Document | IngestError]:
    for unit in units:
        if unit.end is None:
            yield from iter_documents([unit.path], options)
        else:
            yield from _read_lines(unit, options)


def _read_lines(unit: Unit, options: IngestOptions) -> Iterator[model.Document | IngestError]:
    """The JSONL lines of ``unit``, numbered and named as a whole-file read would name them."""
    assert unit.end is not None
    try:
        with open(unit.path, "rb") as stream:
            stream.seek(unit.start)
            data = stream.read(unit.end - unit.start)
    except OSError as exc:
        yield IngestError(unit.path, f"cannot be read ({exc.strerror or exc}); check the path")
        return
    lines = (
        (number, line if len(line) <= options.max_bytes else None)
        for number, line in enumerate(data.split(b"\n"), start=unit.first_line)
    )
    records = iter_line_records(lines, origin=unit.path, max_bytes=options.max_bytes)
    yield from documents_from_records(records, options)
