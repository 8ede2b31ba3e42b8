"""The same behaviour from both backends (this file runs on SQLite and on PostgreSQL): matching,
stemming by the item's language, accents, phrases, exclusions, OR, prefixes, ranking, facets,
visibility, and odd input that must never fail."""

import pytest
from django.contrib.auth.models import AnonymousUser

from govcommons.core.models import ItemStatus, Visibility
from govcommons.practices.tests.factories import write_published
from govcommons.search import services
from govcommons.search.selectors import SearchFilters, search


def publish(author, title, summary="", language="en", **fields):
    """A published contribution whose only words are its title and summary."""
    fields = {"challenge": "", "approach": "", **fields}
    practice = write_published(author, title=title, summary=summary, language=language, **fields)
    services.index_item(practice.pk)
    return practice


def titles(results) -> list[str]:
    return [hit.item.title for hit in results.hits]


@pytest.fixture
def library(make_member):
    author = make_member()
    return {
        "pothole": publish(
            author,
            "Fixing potholes in 6 days with a citizen reporting app",
            "Residents report potholes from their phones; crews fix them within a week.",
        ),
        "clinic": publish(
            author,
            "Shorter waits at the outpatient clinic",
            "Triage by phone cut waiting times for patients.",
        ),
        "montreal": publish(
            author,
            "Le budget participatif de Montréal",
            "Les habitants proposent et votent des projets pour leurs quartiers.",
            language="fr",
        ),
    }


def test_words_match_across_forms_and_rank_the_title_first(library):
    results = search(AnonymousUser(), "pothole reporting")
    assert titles(results) == ["Fixing potholes in 6 days with a citizen reporting app"]
    assert "<mark>" in results.hits[0].snippet


def test_accents_and_case_are_ignored_and_french_is_stemmed(library):
    assert titles(search(AnonymousUser(), "MONTREAL")) == ["Le budget participatif de Montréal"]
    assert titles(search(AnonymousUser(), "habitant projet")) == [
        "Le budget participatif de Montréal"
    ]


def test_phrases_exclusions_and_or(library):
    anyone = AnonymousUser()
    assert titles(search(anyone, '"citizen reporting"')) == [
        "Fixing potholes in 6 days with a citizen reporting app"
    ]
    assert titles(search(anyone, '"reporting citizen"')) == []
    assert titles(search(anyone, "phone -pothole")) == ["Shorter waits at the outpatient clinic"]
    assert set(titles(search(anyone, "pothole OR clinic"))) == {
        "Fixing potholes in 6 days with a citizen reporting app",
        "Shorter waits at the outpatient clinic",
    }


def test_the_last_word_matches_as_a_prefix_while_typing(library):
    assert titles(search(AnonymousUser(), "outpat", prefix_last=True)) == [
        "Shorter waits at the outpatient clinic"
    ]


def test_facets_count_the_matches_and_filters_combine_with_the_query(library):
    results = search(AnonymousUser(), "phone")
    languages = {v.value: v.count for v in results.facets["language"]}
    assert languages == {"en": 2}
    narrowed = search(AnonymousUser(), "phone", SearchFilters({"language": ["fr"]}))
    assert narrowed.total == 0


def test_members_only_and_unpublished_items_stay_out_of_anonymous_results(library, member):
    clinic = library["clinic"]
    clinic.item.visibility = Visibility.MEMBERS
    clinic.item.save()
    services.index_item(clinic.pk)
    assert titles(search(AnonymousUser(), "clinic")) == []
    assert titles(search(member, "clinic")) == ["Shorter waits at the outpatient clinic"]

    clinic.item.status = ItemStatus.REMOVED
    clinic.item.save()
    services.index_item(clinic.pk)
    assert titles(search(member, "clinic")) == []


@pytest.mark.parametrize(
    "text",
    ['"', "*", "NEAR(", ":", "&|!", "-", "OR", "x" * 10_000, '"unbalanced', "a:b OR -", "'; DROP"],
)
def test_odd_input_gives_an_answer_never_an_error(library, text):
    results = search(AnonymousUser(), text)
    assert results.total >= 0


def test_search_rebuild_restores_a_lost_index_with_a_progress_bar(library, capsys):
    from django.core.management import call_command

    from govcommons.search.models import SearchDocument

    for document in SearchDocument.objects.all():
        services.remove_item(document.pk)
    assert titles(search(AnonymousUser(), "clinic")) == []

    call_command("search_rebuild")

    captured = capsys.readouterr()
    assert "Search index rebuilt: 3 items." in captured.out
    assert "[##############################]" in captured.err
    assert titles(search(AnonymousUser(), "clinic")) == ["Shorter waits at the outpatient clinic"]


def test_the_vocabulary_of_titles_follows_the_index(library):
    from govcommons.search.models import SearchWord

    assert SearchWord.objects.get(word="potholes").document_count == 1
    services.remove_item(library["pothole"].pk)
    assert SearchWord.objects.get(word="potholes").document_count == 0
    services.index_item(library["pothole"].pk)
    assert SearchWord.objects.get(word="potholes").document_count == 1
    assert not SearchWord.objects.filter(word="in").exists()


def test_a_broad_search_ranks_the_newest_and_the_title_matches_and_says_more_match(
    make_member, settings, client
):
    """Past SEARCH_MAX_CANDIDATES matches a search considers the newest matches and the newest
    title matches: an old contribution with the words in its title is still found first, the
    page and the API say "more than", and a narrower search is exact again."""
    settings.SEARCH_MAX_CANDIDATES = 3
    author = make_member()
    old_title_match = publish(author, "Recycling glass bottles", "Collected from every street.")
    for number in range(5):
        publish(author, f"Street works {number}", "We also sort glass for recycling.")
    anyone = AnonymousUser()

    broad = search(anyone, "glass recycling")
    assert broad.more_than == 3
    assert titles(broad)[0] == "Recycling glass bottles"
    assert old_title_match.pk in [hit.item.pk for hit in broad.hits]
    # The 4 newest (one past the limit tells that more match) and the old title match.
    assert len(broad.hits) == 5
    assert sum(v.count for v in broad.facets["kind"]) == len(broad.hits)

    narrow = search(anyone, "glass bottles")
    assert narrow.more_than == 0
    assert titles(narrow) == ["Recycling glass bottles"]

    page = client.get("/search/", {"q": "glass recycling"})
    assert "More than 3 results for “glass recycling”" in page.content.decode()
    answer = client.get("/api/v1/search", {"q": "glass recycling"}).json()
    assert answer["more"] is True
    assert client.get("/api/v1/search", {"q": "glass bottles"}).json()["more"] is False


def test_filters_without_words_list_the_newest_with_every_chosen_value(make_member, settings):
    """A list without words is walked newest first from one chosen value's documents, the
    other values looked up: the result is the same as filtering everything."""
    settings.SEARCH_MAX_CANDIDATES = 2
    author = make_member()
    french_local = [
        publish(author, f"Local French {n}", countries=["FR"], levels=["local"]) for n in range(3)
    ]
    publish(author, "National French", countries=["FR"], levels=["national"])
    publish(author, "Local Irish", countries=["IE"], levels=["local"])
    anyone = AnonymousUser()

    both = search(anyone, "", SearchFilters({"country": ["FR"], "level": ["local"]}))
    assert titles(both) == ["Local French 2", "Local French 1"]
    assert both.more_than == 2
    local = SearchFilters({"level": ["local"], "country": ["FR", "IE"]})
    everyone_local = search(anyone, "", local)
    assert titles(everyone_local) == ["Local Irish", "Local French 2"]
    assert search(anyone, "", SearchFilters({"country": ["FR"], "level": ["regional"]})).total == 0
    assert french_local[0].pk not in [hit.item.pk for hit in both.hits]


@pytest.fixture
def narrow_windows(monkeypatch):
    """PostgreSQL reads the newest matches in windows of ids (PostgresBackend._newest): tiny
    ones here (1 id, then 2, 4...; at most 4), so that a handful of documents spans several
    windows and the open last one. SQLite has no windows: the same answers are expected."""
    from govcommons.search.backends import PostgresBackend

    monkeypatch.setattr(PostgresBackend, "FIRST_WINDOW", 1)
    monkeypatch.setattr(PostgresBackend, "WINDOW_GROWTH", 2)
    monkeypatch.setattr(PostgresBackend, "MAX_WINDOWS", 4)


def test_the_newest_matches_are_exact_across_windows_of_ids(make_member, settings, narrow_windows):
    """Matches spread over several windows, some holding none: the newest are found in order,
    none twice, none skipped, with the title matches and the filters, as without windows."""
    settings.SEARCH_MAX_CANDIDATES = 3
    author = make_member()
    for number in range(8):
        country = "FR" if number % 2 else "IE"
        publish(author, f"Glass recycling {number}", countries=[country])
        publish(author, f"Paper sorting {number}", "Bins for paper.", countries=[country])
        if number % 3 == 0:
            publish(author, f"Street works {number}", "We also sort glass.", countries=["FR"])
    anyone = AnonymousUser()

    newest = search(anyone, "glass", sort="newest")
    # The 4 newest matches (one past the limit says more match) and the 3 newest in titles
    # (among them).
    assert titles(newest) == [
        "Glass recycling 7", "Street works 6", "Glass recycling 6", "Glass recycling 5"
    ]  # fmt: skip
    assert newest.more_than == 3

    french = search(anyone, "glass", SearchFilters({"country": ["FR"]}), sort="newest")
    assert titles(french) == ["Glass recycling 7", "Street works 6", "Glass recycling 5",
                              "Street works 3", "Glass recycling 3"]  # fmt: skip

    listed = search(anyone, "", SearchFilters({"country": ["IE"]}))
    assert titles(listed) == ["Paper sorting 6", "Glass recycling 6", "Paper sorting 4"]
    assert listed.more_than == 3
    # An exclusion holds in every window.
    old = search(anyone, "glass -recycling")
    assert titles(old) == ["Street works 6", "Street works 3", "Street works 0"]


def test_suggestions_find_old_titles_across_windows_of_ids(client, make_member, narrow_windows):
    author = make_member()
    publish(author, "Soakaways for heavy rain")
    for number in range(6):
        publish(author, f"Paper sorting {number}")
    response = client.get("/search/suggest/", {"q": "soak"})
    assert "Soakaways for heavy rain" in response.content.decode()
