"""Wire the stages: input lines -> Document -> Analysis -> store -> batch hooks.

Every line is judged on its own: a bad line is rejected with its line number and reason and
the run goes on; accepted documents are stored in batches (one transaction each), then the
new or changed ones are handed to every `BatchHook` (the risk engine plugs in here), so
judgement follows storage within the same batch, not after a polling gap. Documents that
mention no configured brand are dropped and counted (`analysis.unmatched: drop`, the
default) or stored for text search (`keep`). When the store is unreachable
(`StoreUnavailable`), a batch goes to the durable spool (`brandguard.spool`) and is stored,
then judged, once the store answers again: nothing accepted is lost. A document the store
refuses (an Elasticsearch mapping conflict) is rejected with its line and the store's reason.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from brandguard.analyzing import InProcess, Outcome, kept
from brandguard.errors import InputError, StoreUnavailable
from brandguard.gc_paused import gc_paused
from brandguard.spool import Spool
from brandguard.store.base import UpsertResult, WriteForm

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from brandguard.analyzing import Analyzing
    from brandguard.configuration.models import Settings
    from brandguard.document import Analysis, Document
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.ports import DocumentIndex

log = logging.getLogger(__name__)

class BatchHook(Protocol):
    def on_batch_stored(self, items: Sequence[tuple[Document, Analysis]]) -> None: ...


class StoryHook(Protocol):
    """Groups a stored batch into stories (brandguard.stories); `reposts` maps a folded
    document to its first copy."""

    def group(self, items: Sequence[tuple[Document, Analysis]],
              reposts: Mapping[str, str]) -> object: ...


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class IngestReport:
    read: int = 0
    stored: UpsertResult = field(default_factory=UpsertResult)
    unmatched: int = 0
    queued: int = 0  # waiting in the spool for the store to come back
    ungrouped: int = 0  # stored and judged, but story grouping failed for them
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.stored.inserted + self.stored.updated

    def to_json(self) -> dict[str, object]:
        return {"read": self.read, "accepted": self.accepted, "inserted": self.stored.inserted,
                "updated": self.stored.updated, "duplicates": self.stored.unchanged,
                "near_duplicates": self.stored.near_duplicates, "unmatched": self.unmatched,
                "queued": self.queued, "ungrouped": self.ungrouped,
                "rejected": len(self.rejected),
                "rejections": [{"line": r.line, "reason": r.reason} for r in self.rejected]}


@dataclass
class _Batch:
    """Documents waiting to be stored, with their input line numbers and write forms."""

    items: list[tuple[Document, Analysis]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    forms: list[WriteForm | None] = field(default_factory=list)

    def add(self, number: int, doc: Document, analysis: Analysis,
            form: WriteForm | None) -> None:
        self.items.append((doc, analysis))
        self.lines[doc.id] = number
        self.forms.append(form)

    def write_forms(self) -> list[WriteForm] | None:
        """The forms, if workers built every one; else the store builds them."""
        forms = [form for form in self.forms if form is not None]
        return forms if len(forms) == len(self.items) else None

    def clear(self) -> None:
        self.items.clear()
        self.lines.clear()
        self.forms.clear()


class Pipeline:
    def __init__(self, analyzer: Analyzer, store: DocumentIndex, settings: Settings,
                 hooks: Sequence[BatchHook] = (), batch_size: int = 500,
                 writer: AbstractContextManager[object] | None = None,
                 stories: StoryHook | None = None, analyzing: Analyzing | None = None,
                 ) -> None:
        """`writer`: held while a batch is stored and judged, when threads share the store
        (`brandguard.store.serial`); parsing and analysis run outside it. `stories` groups
        each stored batch before it is judged. `analyzing`: where analysis runs
        (`brandguard.analyzing`; default: in this process)."""
        self.writer = writer or nullcontext()
        self.analyzer = analyzer
        self.analyzing = analyzing or InProcess(analyzer, settings)
        self.store = store
        self.settings = settings
        self.hooks = list(hooks)
        self.stories = stories
        self.batch_size = batch_size
        self.spool = Spool(settings.spool, settings.tz)

    def ingest(self, lines: Iterable[tuple[int, bytes]], encoding: str = "auto",
               progress: Callable[[int], object] | None = None) -> IngestReport:
        """JSONL input lines: each is parsed at the edge, then takes the documents' path."""
        return self._ingest(self.analyzing.lines(lines, encoding), progress)

    def ingest_documents(self, documents: Iterable[Document],
                         progress: Callable[[int], object] | None = None) -> IngestReport:
        """The same path for documents a collector built itself (feeds, spiders)."""
        return self._ingest(self.analyzing.documents(enumerate(documents, start=1)), progress)

    def _ingest(self, outcomes: Iterable[Outcome],
                progress: Callable[[int], object] | None) -> IngestReport:
        report = IngestReport()
        batch = _Batch()
        for number, doc, analysis, form in outcomes:
            report.read += 1
            if doc is None or isinstance(analysis, InputError):
                report.rejected.append(Rejection(number, str(analysis)))
            elif not kept(analysis, self.settings):
                report.unmatched += 1
            else:
                batch.add(number, doc, analysis, form)
                if len(batch.items) >= self.batch_size:
                    self._flush(batch, report, progress)
        self._flush(batch, report, progress)
        return report

    def _flush(self, batch: _Batch, report: IngestReport,
               progress: Callable[[int], object] | None) -> None:
        if not batch.items:
            return
        try:
            with self.writer:
                self.drain(report)
                self._store(batch.items, report, batch.lines, batch.write_forms())
        except StoreUnavailable as exc:
            self.spool.put(batch.items)
            report.queued += len(batch.items)
            log.warning("%s; %d document(s) queued in %s", exc, len(batch.items),
                        self.spool.path)
        if progress:
            progress(len(batch.items))
        batch.clear()

    def _store(self, batch: Sequence[tuple[Document, Analysis]], report: IngestReport,
               lines: dict[str, int], forms: Sequence[WriteForm] | None = None) -> None:
        # the write's garbage goes by reference counting (brandguard/gc_paused.py); the
        # hooks run after, since a channel's delivery may wait on the network
        with gc_paused():
            result = self.store.upsert(batch, forms)
            report.stored = report.stored + replace(result, changed=(), rejected=())
            report.rejected += [Rejection(lines.get(doc_id, 0), reason)
                                for doc_id, reason in result.rejected]
            changed = set(result.changed)
            refused = {doc_id for doc_id, _ in result.rejected}
            if self.stories is not None:  # the whole batch: membership makes it idempotent
                self._group(self.stories, [item for item in batch
                                           if item[0].id not in refused],
                            dict(result.reposts), report)
        fresh = [item for item in batch if item[0].id in changed]
        for hook in self.hooks:  # an unchanged document was judged when first stored
            if fresh:
                hook.on_batch_stored(fresh)

    @staticmethod
    def _group(stories: StoryHook, items: Sequence[tuple[Document, Analysis]],
               reposts: dict[str, str], report: IngestReport) -> None:
        """Group a stored batch into stories without letting a failure cost its judgement.

        The documents are stored already, so a grouping error loses nothing: it is logged
        and counted, judging goes on, and the documents are grouped when ingested again
        (membership makes that safe). An unreachable store still raises: the batch goes
        to the spool and the whole step is retried with it.
        """
        try:
            stories.group(items, reposts)
        except StoreUnavailable:
            raise
        except Exception:
            log.exception("story grouping failed for %d stored document(s); they are judged "
                          "and will be grouped when ingested again", len(items))
            report.ungrouped += len(items)

    def drain(self, report: IngestReport | None = None) -> int:
        """Store (then judge) what the spool holds, oldest first; `StoreUnavailable` if the
        store is still away. Returns how many documents left the spool."""
        report = report if report is not None else IngestReport()
        moved = 0
        while len(self.spool):
            last, items = self.spool.peek(self.batch_size)
            self._store(items, report, {})
            self.spool.drop_through(last)
            moved += len(items)
        if moved:
            log.warning("stored %d document(s) from the spool", moved)
        return moved
