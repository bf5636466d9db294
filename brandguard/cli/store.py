"""`brandguard store copy SRC DST`: move everything from one store to another; `brandguard
store group-stories`: group documents stored before stories existed.

Start embedded, grow into Elasticsearch (or come back): documents with their analyses,
near-duplicate links and ingest times; incidents with checklists and timelines; the event
outbox in order, with delivery records re-pointed at the copied events and the planning
cursor; source states (so polling resumes with conditional GETs); API tokens, sessions and
dashboard users; the yearly evaluation's log. Copying again is harmless: documents are
overwritten by id, incidents, events, deliveries and evaluation records already present are
kept. Incident versions start again at 1.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, get_args

import click

from brandguard.access import CredentialKind
from brandguard.batching import batches
from brandguard.cli.context import AppContext, pass_app, progress
from brandguard.errors import InputError
from brandguard.nlp.analyzer import Analyzer
from brandguard.store.registry import open_store
from brandguard.stories.tracker import StoryTracker
from brandguard.story import StoryMember

if TYPE_CHECKING:

    from brandguard.evaluation.records import EvaluationEntry
    from brandguard.store.base import Store

BATCH = 500
ALL = 1_000_000


@click.group("store")
def store_group() -> None:
    """Manage stores: copy between SQLite and Elasticsearch.

    `group-stories` groups documents stored before stories existed.
    """


@store_group.command("copy")
@click.argument("source")
@click.argument("destination")
@pass_app
def copy(app: AppContext, source: str, destination: str) -> None:
    """Copy everything from store SOURCE to store DESTINATION (URLs, as for --store)."""
    if source.rstrip("/") == destination.rstrip("/"):
        raise InputError("SOURCE and DESTINATION are the same store")
    settings = app.config.settings
    with open_store(source, settings) as src, open_store(destination, settings) as dst:
        documents = copy_documents(src, dst, Analyzer.from_config(app.config))
        incidents = copy_incidents(src, dst)
        events, deliveries = copy_outbox(src, dst)
        states = copy_access_and_sources(src, dst)
        entries = copy_evaluation_log(src, dst)
        stories = copy_stories(src, dst)
    click.echo(f"copied {documents} documents, {incidents} incidents, {events} events, "
               f"{deliveries} deliveries, {states} source states, {entries} evaluation "
               f"records, {stories} stories, tokens and users")


@store_group.command("group-stories")
@pass_app
def group_stories_command(app: AppContext) -> None:
    """Group every stored document not yet in a story (documents stored before stories
    existed, or whose grouping failed); documents already grouped are left as they are."""
    settings = app.config.settings
    with app.store() as store:
        tracker = StoryTracker(store, settings.stories, settings.tz)
        read, changed = group_stories(store, tracker)
    click.echo(f"read {read} documents; {changed} stories created or extended")


def group_stories(store: Store, tracker: StoryTracker) -> tuple[int, int]:
    """Every stored document through the story step, in the store's insertion order (first
    copies before their reposts), a batch at a time as ingest does; members are skipped, so
    running it again changes nothing. Returns (documents read, story writes)."""
    read = changed = 0
    with progress(None, "doc", "group") as bar:
        for batch in batches(store.scan(BATCH), BATCH):
            reposts = {i.document.id: i.duplicate_of for i in batch if i.duplicate_of}
            changed += len(tracker.group([(i.document, i.analysis) for i in batch], reposts))
            read += len(batch)
            bar.update(len(batch))
    return read, changed


def copy_documents(src: Store, dst: Store, analyzer: Analyzer) -> int:
    count = 0
    with progress(None, "doc", "copy") as bar:
        for batch in batches(src.scan(BATCH), BATCH):
            dst.restore([replace(item, analysis=analyzer.with_index_fields(item.document,
                                                                          item.analysis))
                         for item in batch])
            count += len(batch)
            bar.update(len(batch))
    return count


def copy_stories(src: Store, dst: Store) -> int:
    """Stories with their members, as grouped in the source (not regrouped)."""
    copied = 0
    for batch in batches(src.scan_stories(BATCH), BATCH):
        dst.save_stories([s for s, _ in batch],
                         [StoryMember(s.brand, doc, s.id) for s, docs in batch for doc in docs])
        copied += len(batch)
    return copied


def copy_incidents(src: Store, dst: Store) -> int:
    copied = 0
    for incident in reversed(src.list_incidents()):  # oldest first
        if dst.get_incident(incident.id) is None:
            dst.save_incident(replace(incident, version=0))
            copied += 1
    return copied


def copy_outbox(src: Store, dst: Store) -> tuple[int, int]:
    mapping: dict[int, int] = {}
    after = 0
    while page := src.events(after=after, limit=BATCH):
        mapping.update(dst.restore_events(page))
        after = page[-1].seq
    rows = [replace(d, event_seq=mapping[d.event_seq])
            for d in reversed(src.list_deliveries(limit=ALL)) if d.event_seq in mapping]
    cursor = src.planned_through()
    through = max((new for old, new in mapping.items() if old <= cursor), default=0)
    if rows or through:
        dst.plan_deliveries(rows, through)
    return len(mapping), len(rows)


def copy_access_and_sources(src: Store, dst: Store) -> int:
    states = src.source_states()
    for state in states:
        dst.save_source_state(state)
    for kind in get_args(CredentialKind):
        for credential in src.credentials(kind):
            dst.save_credential(credential)
    for user in src.users():
        dst.save_user(user)
    return len(states)


def copy_evaluation_log(src: Store, dst: Store) -> int:
    """Entries the destination lacks, in the source's order (a second copy adds none)."""
    def same(entry: EvaluationEntry) -> str:
        return json.dumps(entry.stored_as(0).to_json(), sort_keys=True, ensure_ascii=False)
    present = {same(e) for e in dst.evaluation_entries()}
    missing = [e for e in src.evaluation_entries() if same(e) not in present]
    for entry in missing:
        dst.append_evaluation(entry)
    return len(missing)
