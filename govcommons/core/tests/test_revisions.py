"""Revisions: numbering, stale-save detection and readable, escaped field-by-field diffs."""

import pytest
from django.db import IntegrityError, transaction

from govcommons.core import revisions
from govcommons.core.errors import ConflictError
from govcommons.core.models import Revision
from govcommons.core.tests.factories import ItemFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Members are created in every test; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LABELS = {"title": "Title", "summary": "Summary", "outcomes": "Outcomes", "topics": "Topics"}


def test_each_recorded_revision_gets_the_next_number_and_keeps_who_and_why(member):
    item = ItemFactory(author=member)

    first = revisions.record_revision(item, author=member, message="First draft", snapshot={})
    second = revisions.record_revision(
        item, author=member, message="  Added the 2025 figures  ", snapshot={"title": "B"}
    )

    item.refresh_from_db()
    assert (first.number, second.number, item.revision_number) == (1, 2, 2)
    assert second.author == member
    assert second.message == "Added the 2025 figures"
    assert second.snapshot == {"title": "B"}
    assert list(item.revisions.values_list("number", flat=True)) == [2, 1]


def test_a_long_message_is_cut_to_the_column_size(member):
    item = ItemFactory(author=member)

    revision = revisions.record_revision(item, author=member, message="x" * 400, snapshot={})

    assert revision.message == "x" * 300


def test_two_revisions_of_one_item_cannot_share_a_number(member):
    item = ItemFactory(author=member)
    revisions.record_revision(item, author=member, message="", snapshot={})

    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(item=item, number=1, author=member, snapshot={})


def test_a_save_from_the_current_revision_is_not_stale(member):
    item = ItemFactory(author=member, revision_number=4)

    revisions.check_not_stale(item, 4)


@pytest.mark.parametrize("base", [0, 3, 5])
def test_a_save_from_another_revision_is_refused_with_an_explanation(member, base):
    item = ItemFactory(author=member, revision_number=4)

    with pytest.raises(ConflictError) as caught:
        revisions.check_not_stale(item, base)

    assert caught.value.status_code == 409
    assert caught.value.message.startswith("Someone else saved this contribution")
    assert f"version 4, you started from version {base}" in caught.value.message


def test_diff_shows_changed_words_as_del_and_ins_and_leaves_out_unchanged_fields():
    old = {"title": "Fixing potholes in three weeks", "summary": "Same text."}
    new = {"title": "Fixing potholes in one week", "summary": "Same text."}

    diffs = revisions.diff_snapshots(old, new, LABELS)

    assert [(d.field, d.label) for d in diffs] == [("title", "Title")]
    assert diffs[0].html == (
        "Fixing potholes in <del>three</del><ins>one</ins> <del>weeks</del><ins>week</ins>"
    )


def test_diff_escapes_what_members_typed():
    old = {"title": "Plain"}
    new = {"title": "<script>alert(1)</script> & more"}

    html = revisions.diff_snapshots(old, new, LABELS)[0].html

    assert "<script>" not in html
    assert "<del>Plain</del>" in html
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</ins>" in html


def test_diff_follows_the_label_order_and_renders_lists_and_rows():
    old = {
        "topics": ["Roads"],
        "outcomes": [{"name": "Days", "baseline": "21", "result": "6", "unit": ""}],
        "title": "A",
    }
    new = {
        "topics": ["Roads", "Open data"],
        "outcomes": [{"name": "Days", "baseline": "21", "result": "4", "unit": ""}],
        "title": "B",
    }

    diffs = revisions.diff_snapshots(old, new, LABELS)

    assert [d.field for d in diffs] == ["title", "outcomes", "topics"]
    assert diffs[1].html == "name: Days · baseline: 21 · result: <del>6</del><ins>4</ins>"
    assert diffs[2].html == "Roads<ins>\nOpen data</ins>"


def test_missing_empty_and_none_values_are_the_same_for_a_diff():
    assert revisions.diff_snapshots({"title": None}, {"summary": ""}, LABELS) == []


def test_get_revision_returns_the_numbered_version(member):
    item = ItemFactory(author=member)
    for title in ("one", "two", "three"):
        revisions.record_revision(item, author=member, message=title, snapshot={"title": title})

    assert revisions.get_revision(item, 2).snapshot == {"title": "two"}
    with pytest.raises(Revision.DoesNotExist):
        revisions.get_revision(item, 9)
