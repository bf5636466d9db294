"""The only store handle the web layer holds: one organisation's view of the store.

Isolation is decided here, once, rather than in every route: a brand, document, incident
or delivery outside the organisation is `NotVisible`, which the routes turn into 404 —
the same answer as for an id that does not exist, so existence never leaks. Documents are
visible when they mention one of the organisation's brands, and are shown with the
mentions of other organisations' brands removed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from brandguard.store.base import SearchQuery, SearchResult, StoredDocument

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence
    from datetime import datetime, timedelta

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand
    from brandguard.delivery import Delivery
    from brandguard.document import Polarity
    from brandguard.evaluation.records import EvaluationEntry
    from brandguard.incident import Incident
    from brandguard.store.base import CountRow, DamageCountRow, Store
    from brandguard.store.figure_cache import FigureCache
    from brandguard.story import Story


T = TypeVar("T")


class NotVisible(LookupError):
    """Absent, or belonging to another organisation: the caller can't tell which."""


class OrgView:
    def __init__(self, stores: Callable[[], Store], config: Config, organization: str,
                 brands: dict[str, Brand],
                 figures: FigureCache | None = None) -> None:
        self._stores = stores
        self._figures = figures  # the server's kept aggregate answers, if any
        self.config = config
        self.org_id = organization
        self.brands = brands  # this organisation's, by id (WebContext groups them once)

    @property
    def store(self) -> Store:
        """The store handle of the thread asking: the view is made on the event loop and
        used on whichever thread runs the route, and a SQLite handle stays on one thread."""
        return self._stores()

    # -- brands ---------------------------------------------------------------------------
    def brand(self, brand_id: str) -> Brand:
        found = self.brands.get(brand_id)
        if found is None:
            raise NotVisible(brand_id)
        return found

    def brand_ids(self, requested: Sequence[str] = ()) -> tuple[str, ...]:
        """The requested brands (each must be ours), or all of ours."""
        return tuple(self.brand(b).id for b in requested) if requested else tuple(self.brands)

    # -- documents ------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        brands = self.brand_ids(query.brands)
        if not brands:
            return SearchResult(0)
        found = self.store.search(replace(query, brands=brands))
        return SearchResult(found.total, [self._trim(h) for h in found.hits])

    def search_json(self, query: SearchQuery) -> tuple[int, list[dict[str, Any]]]:
        """`search`, as JSON built from the stored JSON (the API's answer); the same
        trimming of other organisations' mentions."""
        brands = self.brand_ids(query.brands)
        if not brands:
            return 0, []
        total, hits = self.store.search_json(replace(query, brands=brands))
        ours = set(self.brands)
        for hit in hits:
            mentions = hit.get("mentions", [])
            if any(m["brand"] not in ours for m in mentions):
                hit["mentions"] = [m for m in mentions if m["brand"] in ours]
        return total, hits

    def document(self, doc_id: str) -> StoredDocument:
        found = self.store.get(doc_id)
        if found is None or not any(m.brand in self.brands for m in found.analysis.mentions):
            raise NotVisible(doc_id)
        return self._trim(found)

    def get(self, doc_id: str) -> StoredDocument | None:
        """`document`, for readers written against the store (reports): None if unseen."""
        try:
            return self.document(doc_id)
        except NotVisible:
            return None

    def _trim(self, hit: StoredDocument) -> StoredDocument:
        mentions = tuple(m for m in hit.analysis.mentions if m.brand in self.brands)
        if len(mentions) == len(hit.analysis.mentions):
            return hit
        return replace(hit, analysis=replace(hit.analysis, mentions=mentions))

    def change_mark(self) -> Hashable | None:
        return self.store.change_mark()

    def any_mention(self, brands: Sequence[str], since: datetime, until: datetime) -> bool:
        return self.store.any_mention(self.brand_ids(brands), since, until)

    def _figure(self, name: str, brands: Sequence[str], since: datetime, until: datetime,
                extra: tuple[Any, ...], ask: Callable[[Store, tuple[str, ...]], T]) -> T:
        """An aggregate over our `brands`, from the server's figure cache when it holds."""
        ours = self.brand_ids(brands)
        store = self.store
        if self._figures is None:
            return ask(store, ours)
        return self._figures.answer(store, name, ours, since, until, extra,
                                    lambda: ask(store, ours))

    def counts(self, brands: Sequence[str], since: datetime, until: datetime,
               bucket: timedelta) -> list[CountRow]:
        return self._figure("counts", brands, since, until, (bucket,),
                            lambda s, b: s.counts(b, since, until, bucket))

    def worst_polarity_counts(self, brands: Sequence[str], since: datetime,
                              until: datetime) -> dict[Polarity, int]:
        return self._figure("worst", brands, since, until, (),
                            lambda s, b: s.worst_polarity_counts(b, since, until))

    def damage_counts(self, brands: Sequence[str], since: datetime, until: datetime,
                      bucket: timedelta) -> list[DamageCountRow]:
        return self._figure("damage", brands, since, until, (bucket,),
                            lambda s, b: s.damage_counts(b, since, until, bucket))

    def top_sources(self, brands: Sequence[str], since: datetime, until: datetime,
                    limit: int = 10) -> list[tuple[str, int]]:
        return self._figure("sources", brands, since, until, (limit,),
                            lambda s, b: s.top_sources(b, since, until, limit))

    def source_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        return self._figure("source_count", brands, since, until, (),
                            lambda s, b: s.source_count(b, since, until))

    def repost_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        return self._figure("reposts", brands, since, until, (),
                            lambda s, b: s.repost_count(b, since, until))

    def kind_counts(self, brands: Sequence[str], since: datetime,
                    until: datetime) -> list[tuple[str, int]]:
        return self._figure("kinds", brands, since, until, (),
                            lambda s, b: s.kind_counts(b, since, until))

    def top_keywords(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 30) -> list[tuple[str, int]]:
        return self._figure("keywords", brands, since, until, (limit,),
                            lambda s, b: s.top_keywords(b, since, until, limit))

    def list_stories(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 20, min_documents: int = 1) -> list[Story]:
        return self.store.list_stories(self.brand_ids(brands), since, until, limit,
                                       min_documents)

    # -- incidents and deliveries ---------------------------------------------------------
    def incidents(self, brands: Sequence[str] = (), status: str | None = None,
                  ) -> list[Incident]:
        found = self.store.list_incidents(list(self.brand_ids(brands)), status)
        return [i for i in found if i.organization == self.org_id]

    def evaluation_entries(self, organization: str | None = None, brand: str | None = None,
                           year: int | None = None) -> list[EvaluationEntry]:
        """The organisation's evaluation log only, whatever organisation is asked for."""
        if organization not in (None, self.org_id):
            return []
        return self.store.evaluation_entries(self.org_id, brand, year)

    def list_incidents(self, brands: Sequence[str] | None = None,
                       status: str | None = None) -> list[Incident]:
        """`incidents`, in the store's signature (reports)."""
        return self.incidents(brands or (), status)

    def incident(self, incident_id: str) -> Incident:
        found = self.store.get_incident(incident_id)
        if found is None or found.organization != self.org_id or found.brand not in self.brands:
            raise NotVisible(incident_id)
        return found

    def deliveries(self, incident_id: str | None = None, limit: int = 50) -> list[Delivery]:
        if incident_id is not None:
            return self.store.list_deliveries(self.incident(incident_id).id, limit)
        ids = [i.id for i in self.incidents()]
        return self.store.list_deliveries(limit=limit, incidents=ids) if ids else []
