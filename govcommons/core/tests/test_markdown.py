"""Member Markdown: rendered, sanitised, headings shifted and anchored."""

from govcommons.core.markdown import render_markdown


def test_raw_html_and_script_links_never_reach_the_page():
    html = render_markdown(
        '<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">b</b>'
    )
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<b" not in html
    assert "&lt;script&gt;" in html  # shown as text, as typed


def test_headings_move_down_and_get_unique_prefixed_anchors():
    html = render_markdown(
        "# Plan\n\n## Steps\n\n## Steps\n\ntext", heading_offset=2, anchor_prefix="approach-"
    )
    assert '<h3 id="approach-plan">Plan</h3>' in html
    assert '<h4 id="approach-steps">Steps</h4>' in html
    assert '<h4 id="approach-steps-2">Steps</h4>' in html


def test_the_page_keeps_its_only_h1():
    assert render_markdown("# Title") == '<h2 id="md-title">Title</h2>\n'


def test_links_are_marked_as_user_content():
    assert 'rel="nofollow noopener ugc"' in render_markdown("[GovCommons](https://example.org)")
