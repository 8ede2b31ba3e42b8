"""Input validation for member pages. Forms validate and shape; services write."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govcommons.core.images import reencode_square_image
from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import Topic

from .models import ProfileField, Role, User, VerificationRequest


class SignupExtraForm(forms.Form):
    """Added to allauth's sign-up form: the name other members will see."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_(
            "Shown beside everything you write. Public servants usually use their real name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        """allauth calls this after saving; the adapter has already stored the name."""


class ProfileForm(forms.ModelForm):
    public = forms.MultipleChoiceField(
        label=_("Show to visitors who are not signed in"),
        choices=ProfileField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Your name and verified badge are always shown. "
            "Signed-in members see your whole profile."
        ),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Expertise topics"),
        queryset=Topic.objects.select_related("parent").order_by("parent__name", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    avatar_upload = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("A JPEG, PNG, WebP or GIF image up to 2 MB. We crop it to a square."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)

    class Meta:
        model = User
        fields = [
            "display_name", "job_title", "organization", "level", "sector",
            "country", "region", "bio",
        ]  # fmt: skip
        labels = {"bio": _("Short bio (Markdown)")}
        help_texts = {
            "bio": _(
                "A few lines about your work. "
                "Markdown is allowed: **bold**, *italics*, lists, links."
            ),
            "organization": _("Verified members' organisation is set by their verification."),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["expertise"].label_from_instance = lambda t: (
            f"{t.parent.name} › {t.name}" if t.parent_id else t.name
        )
        if self.instance.pk:
            self.initial["public"] = sorted(self.instance.public_fields)
            self.initial["expertise"] = list(self.instance.expertise.all())
        if self.instance.is_verified:
            self.fields["organization"].disabled = True

    def clean_avatar_upload(self):
        upload = self.cleaned_data.get("avatar_upload")
        if not upload:
            return None
        return reencode_square_image(upload, max_bytes=settings.AVATAR_MAX_BYTES)

    def profile_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for name in ProfileField.values:
            data[f"public_{name}"] = name in self.cleaned_data["public"]
        return data


class VerificationRequestForm(forms.ModelForm):
    class Meta:
        model = VerificationRequest
        fields = ["organization", "job_title", "work_email", "evidence"]
        help_texts = {
            "organization": _("Missing from the list? Propose it first; a moderator will add it."),
            "work_email": _("Optional: an address a moderator could write to."),
        }
        widgets = {"evidence": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by("name")


class VerificationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("grant", _("Grant: this member works for this public body")),
            ("refuse", _("Refuse")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason, sent to the member"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you refuse: say what the member can do next."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why you refuse, so that the member knows what to do."))
        return cleaned


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    topic = forms.ModelChoiceField(
        label=_("Topic (expert reviewers only)"),
        queryset=Topic.objects.order_by("name"),
        required=False,
    )
    note = forms.CharField(label=_("Note for the log"), max_length=300, required=False)

    def __init__(self, *args, allowed_roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (r, label) for r, label in Role.choices if r in allowed_roles
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in (Role.EXPERT_REVIEWER, Role.EDITOR) and not cleaned.get("topic"):
            self.add_error("topic", _("Choose the topic this role is for."))
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Intranet sync”."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))],
        initial=90,
    )
