"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only what we allow."""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    **{tag: {"id"} for tag in HEADINGS},
}


def _shift_and_anchor_headings(tokens, offset: int, prefix: str) -> None:
    """Push headings down `offset` levels (the page owns h1) and give each a unique anchor."""
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        token.tag = f"h{min(6, int(token.tag[1]) + offset)}"
        if token.type == "heading_open":
            base = prefix + (slugify(tokens[index + 1].content) or "section")
            seen[base] = seen.get(base, 0) + 1
            token.attrSet("id", base if seen[base] == 1 else f"{base}-{seen[base]}")


# "@handle" of a member, not inside a word, an email address or a path.
MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9_-]{0,59})")


def _plain_text_tokens(tokens):
    """(inline token, index, child) of each text run outside links and code: where @mentions
    count. Code spans and blocks are separate token types, so they are never seen here."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        for index, child in enumerate(token.children):
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and not depth:
                yield token, index, child


def mentioned_handles(text: str) -> list[str]:
    """The @handles written in Markdown text (lower case, first-seen order, no duplicates)."""
    seen: dict[str, None] = {}
    for _token, _index, child in _plain_text_tokens(_md.parse(text or "")):
        for match in MENTION_RE.finditer(child.content):
            seen.setdefault(match.group(1).lower(), None)
    return list(seen)


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link_mentions(tokens, mention_urls: dict[str, str]) -> None:
    """Turn each "@handle" whose lower-cased handle is in `mention_urls` into a profile link."""
    for token, index, child in reversed(list(_plain_text_tokens(tokens))):
        pieces: list[Token] = []
        position = 0
        for match in MENTION_RE.finditer(child.content):
            url = mention_urls.get(match.group(1).lower())
            if url is None:
                continue
            if match.start() > position:
                pieces.append(_text_token(child.content[position : match.start()]))
            link = Token("link_open", "a", 1)
            link.attrSet("href", url)
            pieces += [link, _text_token(match.group(0)), Token("link_close", "a", -1)]
            position = match.end()
        if pieces:
            if position < len(child.content):
                pieces.append(_text_token(child.content[position:]))
            token.children[index : index + 1] = pieces


def render_markdown(
    text: str,
    *,
    heading_offset: int = 1,
    anchor_prefix: str = "md-",
    mention_urls: dict[str, str] | None = None,
) -> SafeString:
    """Render member-written Markdown; raw HTML is shown as text and unsafe links dropped.

    Headings move down `heading_offset` levels (a member's "#" becomes h2 by default) and get
    anchors, prefixed so that they can never clash with the page's own ids. `mention_urls`
    (lower-cased handle -> profile URL) links the @mentions of members who exist.
    """
    tokens = _md.parse(text or "")
    _shift_and_anchor_headings(tokens, heading_offset, anchor_prefix)
    if mention_urls:
        _link_mentions(tokens, mention_urls)
    html = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has sanitised it
