"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only what we allow."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt

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


def render_markdown(
    text: str, *, heading_offset: int = 1, anchor_prefix: str = "md-"
) -> SafeString:
    """Render member-written Markdown; raw HTML is shown as text and unsafe links dropped.

    Headings move down `heading_offset` levels (a member's "#" becomes h2 by default) and get
    anchors, prefixed so that they can never clash with the page's own ids.
    """
    tokens = _md.parse(text or "")
    _shift_and_anchor_headings(tokens, heading_offset, anchor_prefix)
    html = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has sanitised it
