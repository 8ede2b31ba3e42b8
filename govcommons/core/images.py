"""Checks and re-encodes uploaded images, so that only pixels we produced are ever served."""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000


def reencode_square_image(upload, *, max_bytes: int, size: int = 256) -> ContentFile:
    """Validate an uploaded image by its content and return a fresh square PNG.

    The format is read from the bytes, not the name or the browser's content type; EXIF and
    anything else hidden in the file is dropped by re-encoding.
    """
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is %(limit)s MB."),
            params={"size": round(upload.size / 1_048_576, 1), "limit": max_bytes // 1_048_576},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(_("Use a JPEG, PNG, WebP or GIF image."), code="invalid_type")
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
            out = BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not an image we can read. Use a JPEG, PNG, WebP or GIF image."),
            code="invalid_image",
        ) from exc
    return ContentFile(out.getvalue(), name=f"{get_random_string(20).lower()}.png")
