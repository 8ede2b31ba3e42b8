"""Admin for members. Role grants go through accounts.services so they are logged and synced."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .models import ApiToken, RoleGrant, User, VerificationRequest


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "member"
    extra = 0
    fields = ["role", "topic", "note", "granted_by", "granted_at", "revoked_by", "revoked_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "organization",
        "verification_status",
        "is_moderator",
        "is_superuser",
    ]
    list_filter = ["verification_status", "is_moderator", "is_superuser", "is_active"]
    search_fields = ["email", "display_name", "handle"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        (None, {"fields": ["email", "password", "handle", "display_name"]}),
        (
            "Profile",
            {
                "fields": [
                    "job_title",
                    "organization",
                    "level",
                    "sector",
                    "country",
                    "region",
                    "bio",
                    "expertise",
                ]
            },
        ),
        (
            "Verification",
            {
                "fields": [
                    "verification_status",
                    "verification_method",
                    "verified_at",
                    "verified_by",
                    "verified_email",
                ]
            },
        ),
        (
            "Access",
            {
                "fields": [
                    "is_active",
                    "is_moderator",
                    "is_staff",
                    "is_superuser",
                    "date_joined",
                    "last_login",
                ]
            },
        ),
    ]
    readonly_fields = [
        "is_moderator",
        "is_staff",
        "is_superuser",
        "verified_at",
        "verified_by",
        "last_login",
        "date_joined",
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})
    ]
    inlines = [RoleGrantInline]
    filter_horizontal = ["expertise"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Granting here writes the same logged row as the site's roles page."""

    list_display = ["member", "role", "topic", "granted_by", "granted_at", "revoked_at"]
    list_filter = ["role", "revoked_at"]
    list_select_related = ["member", "topic", "granted_by"]
    autocomplete_fields = ["member"]
    fields = ["member", "role", "topic", "note"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        grant = services.grant_role(
            actor=request.user, member=obj.member, role=obj.role, topic=obj.topic, note=obj.note
        )
        obj.pk = grant.pk

    @admin.action(description="Revoke the selected grants")
    def revoke(self, request, queryset):
        for grant in queryset.filter(revoked_at__isnull=True):
            services.revoke_role(actor=request.user, grant_id=grant.pk)


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    list_display = ["member", "organization", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["member", "organization", "decided_by"]
    readonly_fields = [
        "member",
        "organization",
        "job_title",
        "work_email",
        "evidence",
        "status",
        "decided_by",
        "decided_at",
        "reason",
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "member", "prefix", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["member"]
    readonly_fields = [
        "member",
        "name",
        "prefix",
        "token_hash",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
