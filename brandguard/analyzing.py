"""Where analysis runs: in this process, or in worker processes, a batch at a time.

The pipeline asks an `Analyzing` for outcomes, one per input line or document, in input
order: its number, the document (None when the line did not parse), its analysis or why it
has none, and, from workers, its write form (`brandguard.store.base.WriteForm`).

`InProcess` analyses here, a batch of `ANALYSIS_BATCH` at a time. `Workers` (`ingest
--workers N`) hands batches to N processes that parse, analyse and build the write forms of
what will be stored, while this process, the one store writer, stores what came back before;
so a 2-core machine writes and analyses at once. Outcomes come back in input order, so
line numbers, rejections and the first copy of a repost are what one process gives. At most
`2 × N` batches are in flight: memory stays bounded however long the input, and the writer
is not starved of CPU by workers racing ahead of it.

Workers are forked from this process once its analyzer is built and warm, so they start at
once and share its model's pages; where `fork` is not available they are spawned and build
their own from the config. A worker that dies (killed by the OS, a crash in compiled code)
or a batch that fails there costs nothing: that batch is analysed here, and once the pool is
broken the rest of the run is analysed here, with a warning.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING, Protocol, TypeAlias, TypeVar

from brandguard.batching import batches
from brandguard.document_json import parse_line
from brandguard.errors import InputError
from brandguard.store.base import WriteForm, write_forms

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from multiprocessing.context import BaseContext
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Settings
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer

log = logging.getLogger(__name__)

ANALYSIS_BATCH = 256  # documents analysed together (nlp/batch_scoring.py)

Outcome: TypeAlias = "tuple[int, Document | None, Analysis | InputError, WriteForm | None]"
Lines: TypeAlias = "Iterable[tuple[int, bytes]]"
Numbered: TypeAlias = "Iterable[tuple[int, Document]]"
Item = TypeVar("Item")


def analyze_many(analyzer: Analyzer, docs: Sequence[Document],
                 ) -> list[Analysis | InputError]:
    """Each document's analysis, or why it failed: one batch when all goes well, else
    document by document, so that one bad document never costs the others theirs."""
    try:
        return list(analyzer.analyze_batch(docs))
    except Exception:  # find the bad one: each document on its own
        log.debug("batch analysis failed; analysing its %d document(s) one by one", len(docs))
    out: list[Analysis | InputError] = []
    for doc in docs:
        try:
            out.append(analyzer.analyze(doc))
        except Exception as exc:
            out.append(InputError(f"analysis failed: {type(exc).__name__}: {exc}"))
    return out


def parse_and_analyze(analyzer: Analyzer, settings: Settings,
                      lines: Sequence[tuple[int, bytes]], encoding: str = "auto",
                      ) -> list[tuple[int, Document | None, Analysis | InputError]]:
    """Numbered JSONL lines parsed at the edge, then analysed as one batch; a line that
    does not parse comes back with its error."""
    parsed: list[tuple[int, Document | InputError]] = []
    for number, raw in lines:
        try:
            parsed.append((number, parse_line(raw, settings.tz, encoding=encoding,
                                              max_bytes=settings.analysis.max_document_bytes)))
        except InputError as exc:
            parsed.append((number, exc))
    docs = [doc for _, doc in parsed if not isinstance(doc, InputError)]
    analysed = iter(analyze_many(analyzer, docs))
    return [(number, None, doc) if isinstance(doc, InputError) else (number, doc, next(analysed))
            for number, doc in parsed]


def analyze_documents(analyzer: Analyzer, docs: Sequence[tuple[int, Document]],
                      ) -> list[tuple[int, Document | None, Analysis | InputError]]:
    """Numbered documents a collector built, analysed as one batch."""
    return [(number, doc, analysis) for (number, doc), analysis in
            zip(docs, analyze_many(analyzer, [doc for _, doc in docs]), strict=True)]


def kept(analysis: Analysis, settings: Settings) -> bool:
    """Whether a document is stored: it mentions a configured brand, or unmatched
    documents are kept (`analysis.unmatched: keep`)."""
    return bool(analysis.mentions) or settings.analysis.unmatched != "drop"


class Analyzing(Protocol):
    """Where the pipeline's analysis runs."""

    def lines(self, lines: Lines, encoding: str) -> Iterator[Outcome]: ...

    def documents(self, docs: Numbered) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


class InProcess:
    """Analysis in this process, a batch at a time."""

    def __init__(self, analyzer: Analyzer, settings: Settings) -> None:
        self.analyzer, self.settings = analyzer, settings

    def lines(self, lines: Lines, encoding: str) -> Iterator[Outcome]:
        for chunk in batches(lines, ANALYSIS_BATCH):
            for number, doc, analysis in parse_and_analyze(self.analyzer, self.settings, chunk,
                                                           encoding):
                yield number, doc, analysis, None

    def documents(self, docs: Numbered) -> Iterator[Outcome]:
        for chunk in batches(docs, ANALYSIS_BATCH):
            for number, doc, analysis in analyze_documents(self.analyzer, chunk):
                yield number, doc, analysis, None

    def close(self) -> None:
        """Nothing to release."""


# -- worker processes -----------------------------------------------------------------------

_WORKER: tuple[Analyzer, Settings] | None = None  # set in each worker by _start
WORKER_NICENESS = 10  # added to each worker's nice value


def _start(build: Callable[[], tuple[Analyzer, Settings]]) -> None:
    """A worker's initializer. Ctrl-C is the parent's to handle: it shuts the pool down.

    Workers run at a lower priority than this process: N workers, the writer and its
    indexer thread are more runnable threads than a 2-core machine has cores, and a core
    the scheduler hands a worker while the one writer waits delays every batch behind it;
    the workers are never short of work (2 × N batches in flight), the writer often is."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)
    _WORKER = build()


def _inherited(analyzer: Analyzer, settings: Settings) -> tuple[Analyzer, Settings]:
    return analyzer, settings


def _rebuilt(config: Config, model: Path | None) -> tuple[Analyzer, Settings]:
    from brandguard.nlp.analyzer import Analyzer

    return Analyzer.from_config(config, model), config.settings


def _with_forms(settings: Settings,
                outcomes: list[tuple[int, Document | None, Analysis | InputError]],
                ) -> list[Outcome]:
    """The outcomes with the write forms of the documents that will be stored."""
    stored = [(doc, analysis) for _, doc, analysis in outcomes
              if doc is not None and not isinstance(analysis, InputError)
              and kept(analysis, settings)]
    forms = {id(doc): form for (doc, _), form in zip(stored, write_forms(stored), strict=True)}
    return [(number, doc, analysis, forms.get(id(doc))) for number, doc, analysis in outcomes]


def _lines_task(chunk: list[tuple[int, bytes]], encoding: str) -> list[Outcome]:
    assert _WORKER is not None, "a worker's initializer sets its analyzer"  # noqa: S101
    analyzer, settings = _WORKER
    return _with_forms(settings, parse_and_analyze(analyzer, settings, chunk, encoding))


def _documents_task(chunk: list[tuple[int, Document]]) -> list[Outcome]:
    assert _WORKER is not None, "a worker's initializer sets its analyzer"  # noqa: S101
    analyzer, settings = _WORKER
    return _with_forms(settings, analyze_documents(analyzer, chunk))


def warm(analyzer: Analyzer) -> None:
    """Build what an analyzer builds on first use (model arrays, the token table, the
    segmenter's dictionary) so forked workers share it instead of each building its own."""
    from brandguard.document import Document

    analyzer.analyze_batch([Document(id="warm", source="warm", title="品牌", text="质量很好")])


class Workers:
    """`count` analysis worker processes (see the module docstring)."""

    def __init__(self, count: int, analyzer: Analyzer, config: Config,
                 model: Path | None = None) -> None:
        if count < 1:
            raise ValueError(f"workers: expected at least 1, got {count}")
        self.count, self.window = count, 2 * count
        self.local = InProcess(analyzer, config.settings)
        self.broken = False
        # what `bench ingest --workers` reports: seconds this process blocked on a batch,
        # and when the latest batch came back (time.perf_counter)
        self.waited = 0.0
        self.last_back: float | None = None
        build: Callable[[], tuple[Analyzer, Settings]]
        context: BaseContext
        if "fork" in multiprocessing.get_all_start_methods():
            warm(analyzer)
            gc.freeze()  # the analyzer's tables are permanent: no collection in a worker
            # touches (and so copies) the pages they share with this process
            context = multiprocessing.get_context("fork")
            build = partial(_inherited, analyzer, config.settings)  # inherited, not pickled
        else:
            context = multiprocessing.get_context("spawn")
            build = partial(_rebuilt, config, model)
        self.pool = ProcessPoolExecutor(count, mp_context=context, initializer=_start,
                                        initargs=(build,))

    def lines(self, lines: Lines, encoding: str) -> Iterator[Outcome]:
        return self._run(batches(lines, ANALYSIS_BATCH), partial(_lines_task, encoding=encoding),
                         partial(self.local.lines, encoding=encoding))

    def documents(self, docs: Numbered) -> Iterator[Outcome]:
        return self._run(batches(docs, ANALYSIS_BATCH), _documents_task, self.local.documents)

    def _run(self, chunks: Iterable[list[Item]], task: Callable[[list[Item]], list[Outcome]],
             here: Callable[[list[Item]], Iterator[Outcome]]) -> Iterator[Outcome]:
        pending: deque[tuple[list[Item], Future[list[Outcome]] | None]] = deque()
        for chunk in chunks:
            pending.append((chunk, self._submit(task, chunk)))
            if len(pending) >= self.window:
                yield from self._collect(*pending.popleft(), here)
        while pending:
            yield from self._collect(*pending.popleft(), here)

    def _submit(self, task: Callable[[list[Item]], list[Outcome]],
                chunk: list[Item]) -> Future[list[Outcome]] | None:
        if self.broken:
            return None
        try:
            return self.pool.submit(task, chunk)
        except BrokenProcessPool:
            self._broke()
            return None

    def _collect(self, chunk: list[Item], future: Future[list[Outcome]] | None,
                 here: Callable[[list[Item]], Iterator[Outcome]]) -> Iterable[Outcome]:
        if future is not None:
            started = time.perf_counter()
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                self._broke()
            except Exception:
                log.exception("a batch of %d failed in an analysis worker; analysing it here",
                              len(chunk))
            else:
                self.last_back = time.perf_counter()
                self.waited += self.last_back - started
                return outcomes
        return list(here(chunk))

    def _broke(self) -> None:
        if not self.broken:
            log.warning("an analysis worker process died; analysing the rest of this run in "
                        "this process")
        self.broken = True

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
