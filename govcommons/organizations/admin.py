from django import forms
from django.contrib import admin

from .models import Organization, OrganizationDomain, OrganizationProposal


class DomainForm(forms.ModelForm):
    class Meta:
        model = OrganizationDomain
        fields = ["domain"]

    def clean_domain(self):
        # Verification compares lower-case domains; store them so.
        return self.cleaned_data["domain"].strip().lower().lstrip("@")


class DomainInline(admin.TabularInline):
    model = OrganizationDomain
    form = DomainForm
    extra = 1


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "country", "sector", "parent"]
    list_filter = ["level", "sector"]
    list_select_related = ["sector", "parent"]
    search_fields = ["name", "region"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DomainInline]


@admin.register(OrganizationProposal)
class OrganizationProposalAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "level", "status", "proposed_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["proposed_by"]
