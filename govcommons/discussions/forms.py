"""Input for discussions: a comment (or a reply), an edit, and the discussion's settings.

The text itself is checked by services.clean_body (empty, too long, unknown @mentions), so that
a page and the API refuse the same things with the same words.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import SLOW_MODE_MAX_MINUTES

BODY_HELP = _("Markdown; @handle mentions a member")


def _body_field(label: str) -> forms.CharField:
    # strip=False: the service strips, and a refused text comes back exactly as it was typed.
    return forms.CharField(
        label=label,
        help_text=BODY_HELP,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CommentForm(forms.Form):
    body = _body_field(_("Your comment"))
    # The thread a reply joins; empty for a new comment.
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, mentions_url: str = "", autofocus: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["body"].widget.attrs
        if mentions_url:
            attrs["data-mentions"] = mentions_url  # mentions.js suggests members as one types
        if autofocus:
            attrs["autofocus"] = True


class ReplyForm(CommentForm):
    body = _body_field(_("Your reply"))


class CommentEditForm(forms.Form):
    body = _body_field(_("Comment"))
    # The version the text was loaded from: an edit of an older version is refused, not lost.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, mentions_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["body"].widget.attrs
        attrs["rows"] = 10
        if mentions_url:
            attrs["data-mentions"] = mentions_url


class DiscussionOptionsForm(forms.Form):
    locked = forms.BooleanField(
        label=_("Lock the discussion"),
        help_text=_("Nobody but the authors and moderators can comment while it is locked."),
        required=False,
    )
    slow_mode_minutes = forms.IntegerField(
        label=_("Slow mode: minutes a member waits between two comments"),
        help_text=_("0 turns slow mode off; at most one day (1440)."),
        min_value=0,
        max_value=SLOW_MODE_MAX_MINUTES,
    )
