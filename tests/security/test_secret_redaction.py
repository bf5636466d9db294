"""Secrets from the environment never show in config reprs or `check` output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.configuration.loader import load_config
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path


def test_robot_urls_and_secrets_are_redacted_in_every_rendering(tmp_path: Path) -> None:
    root = write_config(tmp_path / "cfg")
    (root / "channels.yaml").write_text(
        "channels:\n"
        "  - {id: ding, type: dingtalk, url: '${DING_URL}', secret: '${DING_SECRET}'}\n"
        "  - {id: mail, type: email, host: smtp.example.com, sender: a@example.com,"
        " to: [b@example.com], username: u, password: '${SMTP_PASSWORD}'}\n", encoding="utf-8")
    config = load_config(root, env={"DING_URL": "https://oapi.example/send?access_token=TOKEN1",
                                    "DING_SECRET": "SECRET2", "SMTP_PASSWORD": "PASSWORD3"})
    renderings = [repr(config), str(config), repr(config.channels),
                  *(c.model_dump_json() for c in config.channels)]
    for text in renderings:
        for secret in ("TOKEN1", "SECRET2", "PASSWORD3"):
            assert secret not in text
    ding = config.channels[0]
    assert ding.url.get_secret_value().endswith("TOKEN1")  # type: ignore[union-attr]
