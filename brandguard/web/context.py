"""What every request handler shares: the config, per-thread stores, auth and the clock."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from brandguard.web.auth import Authenticator
from brandguard.web.scope import OrgView
from brandguard.web.stores import StorePool

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand

SESSION_LIFETIME = timedelta(hours=12)


@dataclass
class WebContext:
    config: Config
    pool: StorePool
    auth: Authenticator
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    secure_cookies: bool = False
    org_brands: dict[str, dict[str, Brand]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # grouped once here rather than on every request: configs carry thousands of brands
        grouped: dict[str, dict[str, Brand]] = defaultdict(dict)
        for brand in self.config.brands:
            grouped[brand.organization][brand.id] = brand
        self.org_brands = dict(grouped)

    def view(self, organization: str) -> OrgView:
        """The caller's organisation's view of this thread's store."""
        return OrgView(self.pool.get, self.config, organization,
                       self.org_brands.get(organization, {}), self.pool.figures)

    @classmethod
    def create(cls, config: Config, store_url: str, *, secure_cookies: bool = False,
               session_lifetime: timedelta = SESSION_LIFETIME) -> WebContext:
        tz = config.settings.tz
        return cls(config, StorePool(store_url, config.settings),
                   Authenticator(tz, session_lifetime), lambda: datetime.now(tz),
                   secure_cookies)
