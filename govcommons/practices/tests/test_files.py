"""Attachments: the type is proven by the content, names are ours, downloads never render."""

import io
import re
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from govcommons.core.models import Visibility
from govcommons.practices import services
from govcommons.practices.files import REFUSED, check_attachment
from govcommons.practices.models import Attachment
from govcommons.practices.tests.factories import (
    PDF_BYTES,
    AttachmentFactory,
    write_draft,
    write_published,
)


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format=fmt)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def docx_bytes() -> bytes:
    """The two parts that make a Word document: its content types and its body."""
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b'<w:document xmlns:w="urn:w"><w:body/></w:document>',
        }
    )


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


ACCEPTED = [
    ("report.pdf", PDF_BYTES, "application/pdf", "pdf"),
    ("chart.png", image_bytes("PNG"), "image/png", "png"),
    ("photo.jpg", image_bytes("JPEG"), "image/jpeg", "jpg"),
    ("map.gif", image_bytes("GIF"), "image/gif", "gif"),
    ("photo.webp", image_bytes("WEBP"), "image/webp", "webp"),
    (
        "plan.docx",
        docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "budget.xlsx",
        zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "notes.odt",
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
        "application/vnd.oasis.opendocument.text",
        "odt",
    ),
    ("figures.csv", b"district,days\nNorth,6\nSouth,7\n", "text/csv", "csv"),
    ("chiffres.csv", "quartier;délai\nNord;6\n".encode("latin-1"), "text/csv", "csv"),
    # The name does not matter: the bytes say it is a PDF.
    ("report.txt", PDF_BYTES, "application/pdf", "pdf"),
]

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
REFUSED_UPLOADS = [
    ("drawing.svg", SVG),
    ("drawing.csv", SVG),
    ("page.html", HTML),
    ("page.csv", HTML),
    ("setup.pdf", EXE),
    ("setup.exe", EXE),
    ("binary.csv", b"a,b\n\x00\x01\x02\n"),
    ("archive.docx", zip_bytes({"evil.html": HTML})),
    ("half.docx", zip_bytes({"[Content_Types].xml": b"<Types/>", "other/x.xml": b"<x/>"})),
    ("broken.docx", b"PK\x03\x04 this is not really a zip"),
]


# --- Checking the content ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "content_type", "extension"), ACCEPTED)
def test_accepted_types_are_recognised_by_their_content(name, data, content_type, extension):
    assert check_attachment(upload(name, data)) == (content_type, extension)


@pytest.mark.parametrize(("name", "data"), REFUSED_UPLOADS)
def test_scripts_executables_and_unknown_files_are_refused(name, data):
    with pytest.raises(ValidationError) as caught:
        check_attachment(upload(name, data))

    assert caught.value.messages == [
        "This type of file is not accepted. Use PDF, an office document, an image or CSV."
    ]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_attachment(upload("empty.pdf", b""))

    assert caught.value.messages == ["The file is empty."]


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    with pytest.raises(ValidationError) as caught:
        check_attachment(upload("big.pdf", PDF_BYTES + b"0" * 2048))

    assert caught.value.messages == ["The file is 2.1\xa0KB; the limit is 1.0\xa0KB."]


def test_a_file_at_the_limit_is_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES)

    assert check_attachment(upload("exact.pdf", PDF_BYTES)) == ("application/pdf", "pdf")


# --- Storing ----------------------------------------------------------------------------------


def test_the_stored_name_is_generated_by_the_server(people, settings):
    practice = write_draft(people.author)

    attachment = services.add_attachment(
        member=people.author,
        practice_id=practice.pk,
        upload=upload("../../etc/Our report.txt", PDF_BYTES),
    )

    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[a-z0-9]{24}\.pdf", attachment.file.name)
    assert "report" not in attachment.file.name.lower()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "Our report.txt",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert attachment.uploaded_by == people.author
    stored = settings.MEDIA_ROOT / attachment.file.name
    assert stored.read_bytes() == PDF_BYTES


def test_a_co_author_adds_files_to_the_draft(people):
    practice = write_draft(people.author, co_authors=[people.co_author])

    services.add_attachment(
        member=people.co_author, practice_id=practice.pk, upload=upload("a.csv", b"a,b\n1,2\n")
    )

    assert list(Attachment.objects.values_list("original_name", "content_type")) == [
        ("a.csv", "text/csv")
    ]


@pytest.mark.parametrize("role", ["anonymous", "member", "verified"])
def test_others_cannot_add_files_and_nothing_is_stored(people, role, settings):
    practice = write_published(people.author)

    with pytest.raises(PermissionDenied):
        services.add_attachment(
            member=people[role], practice_id=practice.pk, upload=upload("a.pdf", PDF_BYTES)
        )

    assert Attachment.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_a_refused_file_leaves_nothing_behind(people, settings):
    practice = write_draft(people.author)

    with pytest.raises(ValidationError):
        services.add_attachment(
            member=people.author, practice_id=practice.pk, upload=upload("x.svg", SVG)
        )

    assert Attachment.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_removing_a_file_deletes_the_row_and_then_the_stored_file(
    people, settings, django_capture_on_commit_callbacks
):
    practice = write_draft(people.author)
    attachment = services.add_attachment(
        member=people.author, practice_id=practice.pk, upload=upload("a.pdf", PDF_BYTES)
    )
    stored = settings.MEDIA_ROOT / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(
            member=people.author, practice_id=practice.pk, attachment_id=attachment.pk
        )

    assert Attachment.objects.count() == 0
    assert not stored.exists()


def test_only_editors_remove_files(people):
    practice = write_published(people.author)
    attachment = services.add_attachment(
        member=people.author, practice_id=practice.pk, upload=upload("a.pdf", PDF_BYTES)
    )

    with pytest.raises(PermissionDenied):
        services.remove_attachment(
            member=people.verified, practice_id=practice.pk, attachment_id=attachment.pk
        )

    assert list(Attachment.objects.all()) == [attachment]


# --- Uploading and downloading through the pages ----------------------------------------------


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("name", "data", "content_type", "extension"), ACCEPTED[:6] + ACCEPTED[8:9]
)
def test_an_author_uploads_an_accepted_file(client, people, name, data, content_type, extension):
    practice = write_draft(people.author)
    client.force_login(people.author)

    response = client.post(
        reverse("practices:attachment_upload", args=[practice.item.slug]),
        {"file": SimpleUploadedFile(name, data)},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("practices:edit", args=[practice.item.slug])
    assert messages_of(response) == ["File added."]
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == (name, content_type)
    assert attachment.file.name.endswith(f".{extension}")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("drawing.svg", SVG, REFUSED),
        ("page.html", HTML, REFUSED),
        ("setup.pdf", EXE, REFUSED),
        ("empty.pdf", b"", "The submitted file is empty."),
        ("big.pdf", PDF_BYTES + b"0" * 4096, "The file is 4.1\xa0KB; the limit is 1.0\xa0KB."),
    ],
)
def test_a_refused_upload_says_why_and_stores_nothing(
    client, people, settings, name, data, message
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    practice = write_draft(people.author)
    client.force_login(people.author)

    response = client.post(
        reverse("practices:attachment_upload", args=[practice.item.slug]),
        {"file": SimpleUploadedFile(name, data)},
    )

    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert Attachment.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_another_member_cannot_upload_to_a_published_contribution(client, people):
    practice = write_published(people.author)
    client.force_login(people.verified)

    response = client.post(
        reverse("practices:attachment_upload", args=[practice.item.slug]),
        {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
    )

    assert response.status_code == 403
    assert Attachment.objects.count() == 0


def test_a_download_is_an_attachment_that_the_browser_never_renders(client, people):
    practice = write_published(people.author)
    attachment = services.add_attachment(
        member=people.author, practice_id=practice.pk, upload=upload("Our report.pdf", PDF_BYTES)
    )

    response = client.get(reverse("practices:attachment", args=[practice.item.slug, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Our report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("member", 404),
        ("verified", 404),
        ("author", 200),
        ("co_author", 200),
        ("moderator", 200),
    ],
)
def test_a_drafts_files_are_downloaded_by_its_authors_and_moderators_only(
    client, people, role, status
):
    practice = write_draft(people.author, co_authors=[people.co_author])
    attachment = AttachmentFactory(practice=practice)
    if role != "anonymous":
        client.force_login(people[role])

    response = client.get(reverse("practices:attachment", args=[practice.item.slug, attachment.pk]))

    assert response.status_code == status


def test_a_verified_only_contributions_files_are_hidden_from_other_members(client, people):
    practice = write_published(people.author, visibility=Visibility.VERIFIED)
    attachment = AttachmentFactory(practice=practice)
    url = reverse("practices:attachment", args=[practice.item.slug, attachment.pk])

    client.force_login(people.member)
    assert client.get(url).status_code == 404
    client.force_login(people.verified)
    assert client.get(url).status_code == 200


def test_a_file_is_only_found_under_its_own_contribution(client, people):
    practice, other = write_published(people.author), write_published(people.author)
    attachment = AttachmentFactory(practice=other)

    response = client.get(reverse("practices:attachment", args=[practice.item.slug, attachment.pk]))

    assert response.status_code == 404
