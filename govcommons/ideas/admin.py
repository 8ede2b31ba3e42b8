"""Ideas in the admin: read-only; states change on the idea page, where they are logged."""

from django.contrib import admin

from govcommons.reviews.admin import ReadOnlyAdmin

from .models import Idea, IdeaEvent


class IdeaEventInline(admin.TabularInline):
    model = IdeaEvent
    fields = ["created_at", "actor", "from_state", "to_state", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ["item", "state", "vote_count", "hot_score", "implemented_by"]
    list_filter = ["state"]
    list_select_related = ["item", "implemented_by"]
    search_fields = ["item__title"]
    inlines = [IdeaEventInline]
