"""Plug-in registries (entry-point groups): names without imports, classes when used."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from brandguard.configuration.plugins import SPIDERS, load, names
from brandguard.crawlers.spiders.base import SiteSpider
from tests.conftest import BRANDS_YAML, write_config

if TYPE_CHECKING:
    from pathlib import Path


def test_the_shipped_spiders_are_registered_and_load_as_spider_classes() -> None:
    assert names(SPIDERS) == ["news", "posts", "reviews"]
    for name in names(SPIDERS):
        assert issubclass(load(SPIDERS, name), SiteSpider)


def test_validating_a_site_does_not_import_scrapy(tmp_path: Path) -> None:
    """`spider: news` is checked against the registry's names only: every command that loads
    a config with sites would otherwise pay for importing Scrapy and Twisted."""
    root = write_config(tmp_path / "cfg", BRANDS_YAML)
    (root / "sources.yaml").write_text(
        "sites:\n  - {id: portal, spider: news, follow: '/a/', "
        "start_urls: ['https://news.example/list.html']}\n", encoding="utf-8")
    probe = ("import sys; from pathlib import Path; "
             "from brandguard.configuration.loader import load_config; "
             f"config = load_config(Path({str(root)!r})); "
             "print(config.sites[0].spider, 'scrapy' in sys.modules, 'twisted' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["news", "False", "False"]


def test_the_shipped_channels_are_registered_with_their_options() -> None:
    from brandguard.alerts.channels.base import Channel
    from brandguard.configuration.channels import ChannelOptions
    from brandguard.configuration.plugins import CHANNELS

    assert names(CHANNELS) == ["dingtalk", "email", "feishu", "webhook", "wecom"]
    for name in names(CHANNELS):
        channel = load(CHANNELS, name)
        assert issubclass(channel, Channel)
        assert channel.type == name
        assert issubclass(channel.Options, ChannelOptions)


def test_validating_channels_does_not_import_the_report_renderers(tmp_path: Path) -> None:
    """channels.yaml is validated by the channels' own options, so loading it imports the
    channel modules; they must stay light (digests load matplotlib and fpdf2 when built)."""
    root = write_config(tmp_path / "cfg", BRANDS_YAML)
    (root / "channels.yaml").write_text(
        "channels:\n  - {id: mail, type: email, host: smtp.example.cn, sender: a@example.cn,"
        " to: [b@example.cn]}\n  - {id: ding, type: dingtalk,"
        " url: 'https://oapi.dingtalk.com/robot/send?access_token=x'}\n", encoding="utf-8")
    probe = ("import sys; from pathlib import Path; "
             "from brandguard.configuration.loader import load_config; "
             f"config = load_config(Path({str(root)!r})); "
             "print(*[type(c).__name__ for c in config.channels], "
             "'matplotlib' in sys.modules, 'fpdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["EmailChannelConfig", "DingTalkChannelConfig", "False", "False"]
