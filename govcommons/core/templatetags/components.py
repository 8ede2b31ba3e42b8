"""The template tags every page uses: components rendered from core/templates/components/.

Loaded as a template builtin, so pages need no {% load %} for them.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from govcommons.core.markdown import render_markdown
from govcommons.core.pagination import querystring_without_page

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.simple_tag
def field(bound_field, **attrs) -> SafeString:
    """A form field with its label, help text and error beside it, linked for screen readers."""
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-help")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}-error")
    widget_attrs = {k.replace("_", "-"): v for k, v in attrs.items()}
    if described_by:
        widget_attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.errors:
        widget_attrs["aria-invalid"] = "true"
    return render_to_string(
        "components/field.html",
        {"field": bound_field, "widget": bound_field.as_widget(attrs=widget_attrs)},
    )


@register.simple_tag
def form_errors(form) -> SafeString:
    return render_to_string("components/form_errors.html", {"form": form})


@register.simple_block_tag
def card(content: str, title: str = "", heading_level: int = 2, href: str = "") -> SafeString:
    return render_to_string(
        "components/card.html",
        {"content": content, "title": title, "heading_level": heading_level, "href": href},
    )


@register.simple_block_tag
def alert(content: str, level: str = "info", title: str = "") -> SafeString:
    return render_to_string(
        "components/alert.html", {"content": content, "level": level, "title": title}
    )


@register.simple_block_tag
def empty_state(content: str, title: str) -> SafeString:
    return render_to_string("components/empty_state.html", {"content": content, "title": title})


@register.simple_tag(takes_context=True)
def pagination(context, page_obj, label: str = "Pages") -> SafeString:
    request = context["request"]
    return render_to_string(
        "components/pagination.html",
        {"page_obj": page_obj, "label": label, "query": querystring_without_page(request.GET)},
    )


@register.simple_tag
def member_name(member, link: bool = True) -> SafeString:
    """A member's name, linked to the profile, with the verified badge wherever it is shown."""
    html = render_to_string("components/member_name.html", {"member": member, "link": link})
    # Without the template's final newline, so that "Name · Organisation" keeps one space.
    return mark_safe(html.strip())  # noqa: S308 - our own template, already escaped


@register.simple_tag
def avatar(member, size: int = 48) -> SafeString:
    return render_to_string("components/avatar.html", {"member": member, "size": size})
