"""Snippets with the matching words highlighted, safe to show: the text is escaped first, then
only our own <mark> tags are added."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .backends import MARK_END, MARK_START
from .text import STEMMERS, fold, stem

WINDOW = 30  # words shown around the first match


def _matches(word: str, language: str, wanted: set[str], prefixes: tuple[str, ...]) -> bool:
    folded = fold(word)
    if not folded:
        return False
    return stem(folded, language) in wanted or folded in wanted or folded.startswith(prefixes)


def wanted_stems(query_words: list[str]) -> set[str]:
    folded = [fold(w) for w in query_words]
    return {stem(w, lang) for w in folded for lang in STEMMERS} | set(folded)


def highlight(
    text: str, language: str, query_words: list[str], *, prefix: str = "", window: int = WINDOW
) -> SafeString:
    """A window of the text around the first matching word, matches in <mark>."""
    wanted = wanted_stems(query_words)
    prefixes = (fold(prefix),) if prefix else ()
    tokens = re.split(r"(\s+)", text or "")
    word_positions = [i for i, t in enumerate(tokens) if t and not t.isspace()]
    first = next(
        (
            n
            for n, i in enumerate(word_positions)
            if _matches(tokens[i].strip(".,;:!?()[]\"'"), language, wanted, prefixes)
        ),
        0,
    )
    start = max(0, first - window // 3)
    shown = word_positions[start : start + window]
    pieces = []
    for i in shown:
        token = tokens[i]
        core = token.strip(".,;:!?()[]\"'")
        if core and _matches(core, language, wanted, prefixes):
            before, _, after = token.partition(core)
            pieces.append(f"{escape(before)}<mark>{escape(core)}</mark>{escape(after)}")
        else:
            pieces.append(escape(token))
    html = " ".join(pieces)
    if start > 0:
        html = "… " + html
    if shown and shown[-1] != word_positions[-1]:
        html += " …"
    return mark_safe(html)  # noqa: S308 - every piece of text above is escaped


def from_headline(headline: str) -> SafeString:
    """PostgreSQL's ts_headline output (plain text with our markers) as safe HTML."""
    html = escape(headline).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped before the markers became tags
