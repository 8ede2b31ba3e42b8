from django.contrib import admin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "to_address",
        "category",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "category"]
    search_fields = ["to_address", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
