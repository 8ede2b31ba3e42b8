"""The Django admin, with sign-in through allauth and two-factor required for its powers."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin

from govcommons.accounts.permissions import staff_two_factor_satisfied


class AdminSite(admin.AdminSite):
    site_header = "GovCommons administration"
    site_title = "GovCommons admin"

    def has_permission(self, request):
        return super().has_permission(request) and staff_two_factor_satisfied(request.user)

    def login(self, request, extra_context=None):
        # allauth's login: the same rate limits and two-factor step as the rest of the site.
        return secure_admin_login(super().login)(request, extra_context)
