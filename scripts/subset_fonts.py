"""Rebuild the report fonts in `brandguard/reports/fonts/` from Noto Sans CJK SC.

Why subset into the project: no package index ships a well-licensed CJK font, a report
must render on a fresh machine without system fonts, and the full Noto Sans CJK
collection is 19 MB per weight. Noto CJK is under the SIL Open Font License 1.1 (no
its one reserved name, 'Source', is not used here) allows subsetting and redistribution
with the licence.

- Regular: Latin, general and CJK punctuation, letterlike symbols, arrows and math
  operators (≤ ≥), kana, the whole CJK Unified Ideographs block (U+4E00–U+9FFF: every
  GBK/Big5 Han character) and the full-width forms — what crawled Chinese text uses. A
  character outside it is drawn as a blank in the PDF (fpdf2 logs which), and stays in
  the extractable text.
- Bold: headings and table heads only, so GB2312's 6,763 characters plus Latin; a missing
  bold glyph falls back to Regular (fpdf2's fallback fonts).

Usage: python scripts/subset_fonts.py [PATH-TO-NotoSansCJK-Regular.ttc [PATH-TO-Bold.ttc]]
(defaults: Debian's fonts-noto-cjk). The PDF renderer subsets again to the glyphs a report
uses, so a PDF embeds kilobytes, not these files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

OUT = Path(__file__).resolve().parent.parent / "brandguard" / "reports" / "fonts"
DEBIAN = Path("/usr/share/fonts/opentype/noto")
COMMON = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2000, 0x2070),
          *range(0x2100, 0x2300), *range(0x2460, 0x2500), *range(0x2500, 0x2600),
          *range(0x3000, 0x3040), *range(0x3040, 0x3100), *range(0xFF00, 0xFFF0)]
HAN = list(range(0x4E00, 0xA000))


def gb2312() -> list[int]:
    found = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.append(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def simplified_chinese(path: Path) -> TTFont:
    for font in TTCollection(str(path)).fonts:
        if font["name"].getDebugName(4) in ("Noto Sans CJK SC", "Noto Sans CJK SC Bold"):
            return font
    raise SystemExit(f"{path}: no Noto Sans CJK SC face")


def write(source: Path, unicodes: list[int], name: str) -> None:
    font = simplified_chinese(source)
    options = subset.Options()
    options.layout_features = []  # fpdf2 and matplotlib place glyphs one by one
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(str(OUT / name))


def main() -> None:
    regular = Path(sys.argv[1]) if len(sys.argv) > 1 else DEBIAN / "NotoSansCJK-Regular.ttc"
    bold = Path(sys.argv[2]) if len(sys.argv) > 2 else DEBIAN / "NotoSansCJK-Bold.ttc"
    write(regular, COMMON + HAN, "NotoSansSC-Regular.otf")
    write(bold, COMMON + gb2312(), "NotoSansSC-Bold.otf")


if __name__ == "__main__":
    main()
