"""Load and validate a configuration folder into one `Config`.

Files: `brands.yaml` (required); `settings.yaml`, `lexicon.yaml`, `rules.yaml`,
`plans/*.yaml`, `channels.yaml`, `sources.yaml` and `evaluation.yaml` (optional; defaults
apply: the lexicon shipped in `nlp/data/lexicon.yaml`, the indicator system in
`brandguard/evaluation/default.yaml`). Every problem in every file is
collected and raised together as `ConfigError`, so `brandguard check` can show them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from brandguard.configuration.channels import ChannelConfig, Route, channels_file
from brandguard.configuration.envref import resolve_env
from brandguard.configuration.models import Brand, BrandsFile, Lexicon, Organization, Settings
from brandguard.configuration.plans import Plan
from brandguard.configuration.rules import Rules
from brandguard.configuration.semantics import check_brands
from brandguard.configuration.sources import Feed, Search, Site, SourcesFile
from brandguard.configuration.yamlload import LoadedYaml, dotted, load_yaml
from brandguard.errors import ConfigError, InputError, Problem
from brandguard.labels import SIGNAL_CATEGORIES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from brandguard.evaluation.model import EvaluationFile

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Config:
    """Everything loaded from one configuration folder."""

    root: Path
    settings: Settings
    organizations: tuple[Organization, ...]
    brands: tuple[Brand, ...]
    lexicon: Lexicon
    rules: Rules = field(default_factory=Rules)
    plans: dict[str, Plan] = field(default_factory=dict)
    channels: tuple[ChannelConfig, ...] = ()
    routes: tuple[Route, ...] = ()
    feeds: tuple[Feed, ...] = ()
    sites: tuple[Site, ...] = ()
    evaluation: EvaluationFile = field(default_factory=lambda: _default_evaluation())
    searches: tuple[Search, ...] = ()

    def brand(self, brand_id: str) -> Brand | None:
        return self._by_id.get(brand_id)

    @cached_property
    def _by_id(self) -> dict[str, Brand]:
        """Brands by id, built once: the risk engine asks for a brand per report, and a scan of
        hundreds of brands each time cost more than the lookup it served."""
        by_id: dict[str, Brand] = {}
        for b in self.brands:
            by_id.setdefault(b.id, b)  # the first wins, as the scan it replaces did
        return by_id

    def members(self, brand_id: str) -> tuple[str, ...]:
        """The enterprise brands whose `parent` is this regional brand, in configured order."""
        return self._members.get(brand_id, ())

    @cached_property
    def _members(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for b in self.brands:
            if b.parent:
                found.setdefault(b.parent, []).append(b.id)
        return {parent: tuple(ids) for parent, ids in found.items()}

    def category_label(self, category_id: str) -> str:
        """The lexicon's label for a damage category, or a signal's own category's."""
        category = self.lexicon.categories.get(category_id)
        return category.label if category else SIGNAL_CATEGORIES.get(category_id, category_id)

    def organization(self, org_id: str) -> Organization | None:
        return next((o for o in self.organizations if o.id == org_id), None)

    def check_staff(self, org_id: str, actor: str) -> None:
        """Who acts for an organisation must be on its `staff` list, when it has one
        (incident actions and evaluation records alike); InputError says who may."""
        org = self.organization(org_id)
        if org is not None and org.staff and actor not in org.staff:
            raise InputError(f"{actor!r} is not on the staff list of organization {org.id} "
                             f"({', '.join(org.staff)})")


def _default_evaluation() -> EvaluationFile:
    from brandguard.evaluation.system import default_system  # evaluation imports config

    return default_system()


def builtin_lexicon_path() -> Path:
    return Path(str(resources.files("brandguard.nlp") / "data" / "lexicon.yaml"))


def load_config(root: Path, env: Mapping[str, str] | None = None, *,
                require_brands: bool = True) -> Config:
    """Load `root`; raise ConfigError listing every problem found. `require_brands`:
    a brands.yaml naming no organisation or brand is a problem (what would be watched?),
    except for the tools that need only the lexicon (sentiment training)."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise ConfigError([Problem(str(root), None, "", "configuration folder not found")])
    brands_path = root / "brands.yaml"
    brands_yaml = load_yaml(brands_path) if brands_path.is_file() else None
    if brands_yaml is None:
        problems.append(Problem(str(brands_path), None, "", "required file is missing"))
        brands_file = BrandsFile()
    else:
        before = len(problems)
        brands_file = _parse(brands_yaml, BrandsFile, BrandsFile(), env, problems)
        if len(problems) == before and require_brands:
            problems.extend(_empty_brands_problems(brands_path, brands_file))
    settings = _optional(root / "settings.yaml", Settings, Settings(), env, problems)
    lexicon_path = root / "lexicon.yaml"
    if not lexicon_path.is_file():
        lexicon_path = builtin_lexicon_path()
    lexicon = _parse(load_yaml(lexicon_path), Lexicon, None, env, problems)
    rules = _optional(root / "rules.yaml", Rules, Rules(), env, problems)
    plans = _plans(root / "plans", lexicon, env, problems)
    channels_path = root / "channels.yaml"
    channels_yaml = load_yaml(channels_path) if channels_path.is_file() else None
    model = channels_file()
    channels = _parse(channels_yaml, model, model(), env, problems) \
        if channels_yaml is not None else model()
    if channels_yaml is not None:
        problems.extend(_route_problems(channels_yaml, brands_yaml))
    sources = _optional(root / "sources.yaml", SourcesFile, SourcesFile(), env, problems)
    source_ids = [s.id for s in (*sources.feeds, *sources.sites, *sources.searches)]
    for duplicate in sorted({i for i in source_ids if source_ids.count(i) > 1}):
        problems.append(Problem(str(root / "sources.yaml"), None, "feeds/sites/searches",
                                f"duplicate source id {duplicate!r} (feeds, sites and "
                                "searches share one id space)"))
    problems.extend(_search_brand_problems(root / "sources.yaml", brands_file))
    if brands_yaml is not None:
        problems.extend(check_brands(brands_yaml, brands_file))
    from brandguard.evaluation.model import EvaluationFile  # evaluation imports config

    evaluation = _optional(root / "evaluation.yaml", EvaluationFile, _default_evaluation(),
                           env, problems)
    if problems:
        raise ConfigError(problems)
    assert lexicon is not None  # noqa: S101 - parse returned a model or added a problem
    return Config(root, settings, tuple(brands_file.organizations), tuple(brands_file.brands),
                  lexicon, rules, plans, tuple(channels.channels), tuple(channels.routes),
                  tuple(sources.feeds), tuple(sources.sites), evaluation,
                  tuple(sources.searches))


def _search_brand_problems(path: Path, brands: BrandsFile) -> list[Problem]:
    """A search's `brands` must name brands in brands.yaml (a typo would search nothing).
    Checked on the raw file, so it reports beside the schema's own errors."""
    known = {b.id for b in brands.brands}
    if not known or not path.is_file():
        return []
    where = load_yaml(path)
    problems = []
    for i, search in enumerate(_raw_items(where.data, "searches")):
        chosen = search.get("brands")
        for j, brand in enumerate(_strings(chosen) if isinstance(chosen, list) else []):
            if brand not in known:
                problems.append(Problem(str(path), where.line_of(("searches", i, "brands", j)),
                                        f"searches[{i}].brands[{j}]",
                                        f"unknown brand {brand!r} (expected an id from "
                                        "brands.yaml)"))
    return problems


def _plans(folder: Path, lexicon: Lexicon | None, env: Mapping[str, str] | None,
           problems: list[Problem]) -> dict[str, Plan]:
    """Every `plans/*.yaml`; a category may have one plan, and it must be a known one."""
    plans: dict[str, Plan] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        where = load_yaml(path)
        plan = _parse(where, Plan, None, env, problems)
        if plan is None:
            continue
        if lexicon is not None and plan.category not in lexicon.categories:
            problems.append(Problem(str(path), where.line_of(("category",)), "category",
                                    f"unknown category {plan.category!r} (expected one of "
                                    f"{sorted(lexicon.categories)})"))
        if plan.category in plans:
            problems.append(Problem(str(path), where.line_of(("category",)), "category",
                                    f"a second plan for {plan.category!r}"))
        for key, steps in (("steps", plan.steps), ("rollup_steps", plan.rollup_steps)):
            seen: set[str] = set()
            for i, step in enumerate(steps):
                if step.id in seen:
                    problems.append(Problem(str(path), where.line_of((key, i, "id")),
                                            f"{key}[{i}].id", f"duplicate step id {step.id!r}"))
                seen.add(step.id)
        plans[plan.category] = plan
    return plans


def _empty_brands_problems(path: Path, parsed: BrandsFile) -> list[Problem]:
    """brands.yaml is what brandguard watches for: a file that names nothing is an error."""
    return [Problem(str(path), None, key, f"at least one {what} is required")
            for key, what, items in (("organizations", "organization", parsed.organizations),
                                     ("brands", "brand", parsed.brands)) if not items]


def _raw_items(data: Any, key: str) -> list[dict[str, Any]]:
    """`data[key]` as the list of mappings it should be, whatever the file holds: the
    cross-file checks run on the raw values, so they report beside schema errors."""
    items = data.get(key) if isinstance(data, dict) else None
    return [i if isinstance(i, dict) else {} for i in items] if isinstance(items, list) else []


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _route_problems(where: LoadedYaml, brands: LoadedYaml | None) -> list[Problem]:
    """Duplicate channel ids; routes naming unknown channels, organisations, or brands of
    another organisation (one organisation never routes another's alerts)."""
    path = where.file
    problems: list[Problem] = []
    ids: set[str] = set()
    for i, channel in enumerate(_raw_items(where.data, "channels")):
        channel_id = str(channel.get("id", ""))
        if channel_id in ids:
            problems.append(Problem(str(path), where.line_of(("channels", i, "id")),
                                    f"channels[{i}].id", f"duplicate channel id {channel_id!r}"))
        ids.add(channel_id)
    raw = brands.data if brands is not None else None
    orgs = {str(o.get("id")) for o in _raw_items(raw, "organizations")}
    owner = {str(b.get("id")): str(b.get("organization")) for b in _raw_items(raw, "brands")}
    route_ids: set[str] = set()
    for i, route in enumerate(_raw_items(where.data, "routes")):
        def add(field: str, message: str, i: int = i) -> None:
            problems.append(Problem(str(path), where.line_of(("routes", i, field)),
                                    f"routes[{i}].{field}", message))
        organization = str(route.get("organization"))
        if "organization" in route and organization not in orgs:
            add("organization", f"unknown organization {organization!r}")
        for channel_id in _strings(route.get("channels")):
            if channel_id not in ids:
                add("channels", f"unknown channel {channel_id!r}")
        for brand_id in _strings(route.get("brands")):
            if owner.get(brand_id) != organization:
                add("brands", f"brand {brand_id!r} is not a brand of {organization!r}")
        if "id" in route:
            if str(route["id"]) in route_ids:
                add("id", f"duplicate route id {route['id']!r}")
            route_ids.add(str(route["id"]))
    return problems


def load_sources(path: Path, env: Mapping[str, str] | None = None) -> SourcesFile:
    """One sources file on its own (the demo's, whose URLs name a port chosen at start)."""
    problems: list[Problem] = []
    sources: SourcesFile = _parse(load_yaml(path), SourcesFile, SourcesFile(), env, problems)
    if problems:
        raise ConfigError(problems)
    return sources


def _optional(path: Path, model: type[M], default: M, env: Mapping[str, str] | None,
              problems: list[Problem]) -> M:
    if not path.is_file():
        return default
    parsed: M = _parse(load_yaml(path), model, default, env, problems)
    return parsed


def _parse(loaded: LoadedYaml, model: type[M], default: Any, env: Mapping[str, str] | None,
           problems: list[Problem]) -> Any:
    """One loaded file into `model`. Every problem is reported together: an unset `${VAR}`
    or a duplicate key does not hide the schema errors beside it (only a syntax error, which
    leaves nothing to validate, does)."""
    if loaded.data is None and loaded.problems:
        problems.extend(loaded.problems)
        return default
    data = resolve_env(loaded, env)
    reported = {p.field for p in loaded.problems}
    problems.extend(loaded.problems)
    try:
        parsed = model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems.extend(p for p in _located(loaded, exc) if p.field not in reported)
        return default
    return default if loaded.problems else parsed


def _located(loaded: LoadedYaml, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        message = ("unknown key" if err["type"] == "extra_forbidden"
                   else err["msg"].removeprefix("Value error, "))
        hidden = bool(err.get("ctx", {}).get("secret"))
        if err["type"] not in ("extra_forbidden", "missing") and "input" in err and not hidden:
            message += f" (got {err['input']!r})"
        out.append(Problem(loaded.file, loaded.line_of(loc), dotted(loc), message))
    return out
