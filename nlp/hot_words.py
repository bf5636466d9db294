"""Which words may be hot words (热词): content words, not the brand, numbers or filler.

A keyword says what is being said *about* a brand, so the brand's own names are not news;
nor are quantities (一百二十, 三四次, 两盒, 一颗颗), dates (十月, 12日, 周三), single characters
and stop words. jieba cuts a brand's distinctive stem out of longer words (云岭 from 云岭县), so
the leading part of every configured name and alias is excluded too, while a generic tail
(毛尖 of 云岭毛尖, 茶业) stays a keyword. Named terms of the damage lexicon (农药残留, 抽检, 下架)
are what a reader looks for first; they get a boost (`TERM_BOOST`).
"""

from __future__ import annotations

from importlib import resources

import yaml

NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两几数半第0123456789０１２３４５６７８９.．%")
TERM_BOOST = 1.5


def _data() -> dict[str, list[str]]:
    text = (resources.files("brandguard.nlp") / "data" / "hot_words.yaml").read_text("utf-8")
    loaded: dict[str, list[str]] = yaml.safe_load(text)
    return loaded


_DATA = _data()
MEASURES = frozenset(_DATA["measures"])
DATE_WORDS = frozenset(_DATA["dates"])
FILLER = frozenset(_DATA["filler"])


def is_quantity(word: str) -> bool:
    """A numeral, optionally followed by a measure word or a date unit, possibly doubled.

    Every split after a leading numeral is tried, since some measure words start with a
    numeral character themselves (百分点, 万元). 三聚氰胺 starts with a numeral but no rest of
    it is a measure word, so it stays a keyword.
    """
    if word in DATE_WORDS:
        return True
    for cut in range(1, len(word) + 1):
        if word[cut - 1] not in NUMERALS:
            return False
        rest = word[cut:]
        if not rest or rest in MEASURES or rest in DATE_WORDS or (
                len(rest) == 2 and rest[0] == rest[1] and rest[0] in MEASURES):
            return True
    return False


def brand_stems(names: frozenset[str]) -> frozenset[str]:
    """Every name and alias, and each leading part of two or more characters of them."""
    return frozenset(name[:end] for name in names for end in range(2, len(name) + 1))


def excluded(word: str, brand_words: frozenset[str], stop: frozenset[str]) -> bool:
    return (len(word) < 2 or word.isascii() or word in stop or word in FILLER
            or word in brand_words or is_quantity(word))
