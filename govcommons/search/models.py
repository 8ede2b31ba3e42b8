"""The search index: one document per published Item, its facet values, and members' saved
searches. The full-text part lives beside these tables: an FTS5 table on SQLite, a tsvector
column with a GIN index on PostgreSQL (see search.backends)."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from govcommons.core.models import Item


class SearchDocument(models.Model):
    """What search shows and sorts by, copied from the Item and its kind's table when indexed,
    so that a query never joins the content tables. Only published Items have one."""

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    kind = models.CharField(max_length=20)
    language = models.CharField(max_length=8)
    visibility = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    # Plain text (Markdown removed) of everything searchable: snippets are cut from it.
    body = models.TextField()
    published_at = models.DateTimeField()
    adoption_count = models.PositiveIntegerField(default=0)
    indexed_at = models.DateTimeField(default=timezone.now)
    # PostgreSQL only (a plain, unused column on SQLite); the GIN index is made by migration.
    search_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: the title and the opening lines, small enough to stay in the row, for
    # ranking (search.backends.PostgresBackend.candidates).
    rank_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: the title alone, for title matches and suggestions (its GIN index needs
    # no second look at the row, as one restricted to a weight of the vectors above would).
    title_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["visibility", "-published_at"], name="searchdoc_newest_idx"),
            models.Index(fields=["visibility", "-adoption_count"], name="searchdoc_adopted_idx"),
        ]
        # GIN indexes on the vectors are made by migrations 0002 and 0007 (PostgreSQL only).

    def __str__(self) -> str:
        return self.title


class SearchFacet(models.Model):
    """One facet value of a document (kind=practice, topic=open-data, country=FR...)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [
            models.Index(fields=["name", "value", "document"], name="searchfacet_filter_idx"),
            models.Index(fields=["document", "name", "value"], name="searchfacet_count_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.name}={self.value}"


class SearchWord(models.Model):
    """The index's own vocabulary (folded title words and how many documents use them), for
    spelling suggestions when a search finds nothing."""

    word = models.CharField(max_length=60, primary_key=True)
    document_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.word} ({self.document_count})"


class SavedSearch(models.Model):
    """A member's search kept with its filters; the worker emails what newly matches."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    query = models.CharField(max_length=500, blank=True)
    # The facet filters as in the address: {"topic": ["open-data"], "country": ["FR"]}.
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Items published after this were not yet in an alert.
    checked_at = models.DateTimeField(default=timezone.now)
    alerts = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["alerts", "checked_at"], name="savedsearch_due_idx")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.query}"
