"""allauth adapters: our entry points into sign-up, email confirmation and account email.

They translate allauth's callbacks into calls to accounts.services and notifications.services.
"""

import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _

from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import queue_rendered_email

from . import services
from .models import User, unique_handle


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        display_name = (form.cleaned_data.get("display_name") or "").strip()
        user.display_name = display_name or user.email.split("@")[0]
        user.handle = unique_handle(user.display_name)
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """Account email goes through the worker like all email, never inline in the request."""
        # What allauth's own send_mail adds; its templates greet with the site's name.
        context = {
            "request": allauth_context.request,
            "email": email,
            "current_site": SimpleNamespace(
                name="GovCommons", domain=urlsplit(settings.SITE_URL).netloc
            ),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        text = message.body if message.content_subtype == "plain" else ""
        if message.content_subtype == "html":
            html, text = message.body, _("Open this email in a program that shows HTML.")
        queue_rendered_email(
            key=f"account-{template_prefix.rsplit('/', 1)[-1]}-{uuid.uuid4().hex}",
            category=EmailCategory.ACCOUNT,
            to_address=email,
            subject=message.subject,
            body_text=text,
            body_html=html,
            recipient=User.objects.filter(email__iexact=email).first(),
        )

    def confirm_email(self, request, email_address):
        # allauth reads the result: falsy means "not confirmed" (no login on confirmation).
        confirmed = super().confirm_email(request, email_address)
        if not confirmed:
            return confirmed
        organization = services.verify_by_email_domain(
            member=email_address.user, email=email_address.email
        )
        if organization is not None and request is not None:
            messages.success(
                request,
                _("You are now a verified public servant of %(org)s.") % {"org": organization.name},
            )
        return confirmed


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        for address in sociallogin.email_addresses:
            if address.verified:
                services.verify_by_email_domain(member=user, email=address.email)
        return user

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = " ".join(filter(None, [data.get("first_name"), data.get("last_name")])) or data.get(
            "name", ""
        )
        user.display_name = (name or (user.email or "member").split("@")[0])[:100]
        user.handle = unique_handle(user.display_name)
        return user
