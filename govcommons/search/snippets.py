"""Snippets with the matching words highlighted, safe to show: the text is escaped first, then
only our own <mark> tags are added."""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .backends import MARK_END, MARK_START
from .text import STEMMERS, fold, stem

WINDOW = 30  # words shown around the first match
PUNCTUATION = ".,;:!?()[]\"'"


def _matches(word: str, language: str, wanted: set[str], prefixes: tuple[str, ...]) -> bool:
    folded = fold(word)
    if not folded:
        return False
    return stem(folded, language) in wanted or folded in wanted or folded.startswith(prefixes)


def wanted_stems(query_words: list[str]) -> set[str]:
    folded = [fold(w) for w in query_words]
    return {stem(w, lang) for w in folded for lang in STEMMERS} | set(folded)


@dataclass
class Passage:
    """The words of a text shown around its first match, and whether text was cut off."""

    tokens: list[str]
    cut_before: bool
    cut_after: bool

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def passage(
    text: str, language: str, query_words: list[str], *, prefix: str = "", window: int = WINDOW
) -> Passage:
    """The window of the text around the first matching word."""
    wanted = wanted_stems(query_words)
    prefixes = (fold(prefix),) if prefix else ()
    tokens = [t for t in re.split(r"\s+", text or "") if t]
    first = next(
        (
            n
            for n, token in enumerate(tokens)
            if _matches(token.strip(PUNCTUATION), language, wanted, prefixes)
        ),
        0,
    )
    start = max(0, first - window // 3)
    shown = tokens[start : start + window]
    return Passage(shown, start > 0, start + window < len(tokens))


def _with_ellipses(html: str, cut: Passage) -> str:
    return ("… " if cut.cut_before else "") + html + (" …" if cut.cut_after else "")


def highlight(
    text: str, language: str, query_words: list[str], *, prefix: str = "", window: int = WINDOW
) -> SafeString:
    """A window of the text around the first matching word, matches in <mark>."""
    wanted = wanted_stems(query_words)
    prefixes = (fold(prefix),) if prefix else ()
    cut = passage(text, language, query_words, prefix=prefix, window=window)
    pieces = []
    for token in cut.tokens:
        core = token.strip(PUNCTUATION)
        if core and _matches(core, language, wanted, prefixes):
            before, _, after = token.partition(core)
            pieces.append(f"{escape(before)}<mark>{escape(core)}</mark>{escape(after)}")
        else:
            pieces.append(escape(token))
    html = _with_ellipses(" ".join(pieces), cut)
    return mark_safe(html)  # noqa: S308 - every piece of text above is escaped


def from_headline(headline: str, cut: Passage | None = None) -> SafeString:
    """PostgreSQL's ts_headline output (plain text with our markers) as safe HTML, with the
    passage's ellipses."""
    html = escape(headline).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    if cut is not None:
        html = _with_ellipses(html, cut)
    return mark_safe(html)  # noqa: S308 - escaped before the markers became tags
