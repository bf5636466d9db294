"""The CJK fonts every report format uses: Noto Sans CJK SC, subset into the project by
`scripts/subset_fonts.py` (SIL Open Font License 1.1, `OFL.txt`), so a PDF renders and
embeds Chinese on a machine with no system fonts."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FAMILY = "Noto Sans CJK SC"


def regular() -> Path:
    return Path(str(resources.files(__name__) / "NotoSansSC-Regular.otf"))


def bold() -> Path:
    """GB2312 and Latin only: headings and table heads; other glyphs fall back to regular."""
    return Path(str(resources.files(__name__) / "NotoSansSC-Bold.otf"))
