"""Microblog conventions: @handles, and the repost chain's quoted part.

A repost reads "我的评论//@某某:被转发的话//@原作者:原文". The reposter's own comment comes
first and is what the post says; the quoted chain after the first `//@` is someone else's
words, so its sentiment counts for less (`QUOTE_WEIGHT`). Handles (@某某) are names, not
words of the post: they are blanked before segmentation so they neither score nor become
hot words. Emoticon tokens such as [泪] and [哈哈] are opinion cues in the lexicon
(nlp/data/lexicon.yaml); hashtags (#话题#) keep their words, their # marks are punctuation.
"""

from __future__ import annotations

import re

QUOTE_WEIGHT = 0.5
CHAIN = "//@"
_HANDLE = re.compile(r"@[\w\u00b7\-]{1,30}[:：]?")


def quote_start(text: str) -> int:
    """Where the quoted repost chain begins (the text's length when there is none)."""
    at = text.find(CHAIN)
    return len(text) if at < 0 else at


def without_handles(text: str) -> str:
    """The text with every @handle blanked, each to one space."""
    return _HANDLE.sub(" ", text) if "@" in text else text
