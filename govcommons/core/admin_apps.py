"""The admin app, pointed at our AdminSite (core.admin_site)."""

from django.contrib.admin.apps import AdminConfig


class GovCommonsAdminConfig(AdminConfig):
    default_site = "govcommons.core.admin_site.AdminSite"
