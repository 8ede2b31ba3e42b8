"""Discussions in the admin: read-only, for support and audits. Every change goes through the
pages or the API, so counters, notifications and the edit history stay whole."""

from django.contrib import admin

from govcommons.reviews.admin import ReadOnlyAdmin

from .models import Answer, Comment, CommentEdit, Question


class CommentEditInline(admin.TabularInline):
    model = CommentEdit
    fields = ["edited_at", "edited_by", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "item", "author", "created_at", "edited_at", "removed_at"]
    list_select_related = ["item", "author"]
    search_fields = ["body", "item__title", "author__handle"]
    raw_id_fields = ["item", "author", "parent", "removed_by"]
    inlines = [CommentEditInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["item", "answer_count", "score", "accepted_answer"]
    list_select_related = ["item"]
    search_fields = ["item__title"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["pk", "question", "author", "score", "created_at", "removed_at"]
    list_select_related = ["question__item", "author"]
    search_fields = ["body", "author__handle"]
