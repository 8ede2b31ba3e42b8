"""Peer review in the admin: read-only, for support and audits. Every change goes through the
review pages or the API, so the state machine and its event history stay whole."""

from django.contrib import admin

from .models import ConflictOfInterest, OutdatedFlag, ReviewEvent, ReviewInvitation, Submission


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ReviewEvent
    fields = ["created_at", "kind", "actor", "from_state", "to_state", "reason", "confidential"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["practice", "kind", "state", "round", "submitted_at", "waiting_since"]
    list_filter = ["state", "kind"]
    list_select_related = ["practice__item"]
    search_fields = ["practice__item__title"]
    inlines = [EventInline]


@admin.register(ReviewInvitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["submission", "reviewer", "state", "due_on", "reminder_count"]
    list_filter = ["state"]
    list_select_related = ["submission__practice__item", "reviewer"]


@admin.register(ConflictOfInterest)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ["member", "organization", "person", "practice", "created_at"]
    list_select_related = ["member", "organization", "person", "practice__item"]


@admin.register(OutdatedFlag)
class OutdatedFlagAdmin(ReadOnlyAdmin):
    list_display = ["practice", "flagged_by", "created_at", "resolved_at"]
    list_select_related = ["practice__item", "flagged_by"]
