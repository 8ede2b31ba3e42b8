"""Attachment checks: the type is read from the file's bytes, never from its name or the browser.

Allowed: PDF, office documents (OOXML, OpenDocument, legacy OLE), images (PNG, JPEG, GIF, WebP)
and CSV. SVG and HTML are refused: they can carry scripts.
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
MAGIC = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-office", "doc"),
]
REFUSED = _("This type of file is not accepted. Use PDF, an office document, an image or CSV.")


def _sniff_zip(upload) -> tuple[str, str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = archive.read("mimetype").strip()
                if kind in OPENDOCUMENT:
                    return kind.decode(), OPENDOCUMENT[kind]
            if "[Content_Types].xml" in names:
                for prefix, found in OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return found
    except zipfile.BadZipFile:
        pass
    raise ValidationError(REFUSED, code="invalid_type")


def _looks_like_csv(head: bytes, name: str) -> bool:
    if not name.lower().endswith(".csv") or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("latin-1")
        except UnicodeDecodeError:
            return False
    lowered = text.lstrip().lower()
    return not lowered.startswith(("<", "<?xml", "<!doctype", "<svg", "<html"))


def check_attachment(upload) -> tuple[str, str]:
    """Return (content type, extension) proven by the content, or raise ValidationError."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    for signature, content_type, extension in MAGIC:
        if head.startswith(signature):
            return content_type, extension
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    if _looks_like_csv(head, upload.name or ""):
        return "text/csv", "csv"
    raise ValidationError(REFUSED, code="invalid_type")
