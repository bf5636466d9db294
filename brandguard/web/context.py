"""What every request handler shares: the config, per-thread stores, auth and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from brandguard.web.auth import Authenticator
from brandguard.web.stores import StorePool

if TYPE_CHECKING:
    from collections.abc import Callable

    from brandguard.config.loader import Config

SESSION_LIFETIME = timedelta(hours=12)


@dataclass
class WebContext:
    config: Config
    pool: StorePool
    auth: Authenticator
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    secure_cookies: bool = False

    @classmethod
    def create(cls, config: Config, store_url: str, *, secure_cookies: bool = False,
               session_lifetime: timedelta = SESSION_LIFETIME) -> WebContext:
        tz = config.settings.tz
        return cls(config, StorePool(store_url, config.settings),
                   Authenticator(tz, session_lifetime), lambda: datetime.now(tz),
                   secure_cookies)
