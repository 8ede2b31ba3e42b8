"""Uploaded files on the application server's disk: avatars are served at /media/avatars/;
attachments never are (their own view checks who may read them), whatever their name."""

import pytest
from django.test import override_settings

from govcommons.core.middleware import SecurityHeadersMiddleware


@pytest.mark.django_db
def test_avatars_are_served_and_attachments_are_not(client, settings, tmp_path):
    (tmp_path / "avatars").mkdir()
    (tmp_path / "avatars" / "a.png").write_bytes(b"\x89PNG avatar")
    (tmp_path / "attachments" / "2026" / "11").mkdir(parents=True)
    (tmp_path / "attachments" / "2026" / "11" / "report.pdf").write_bytes(b"%PDF private")
    # The route was built from MEDIA_ROOT at import: point the files where it serves from.
    from govcommons import urls

    pattern = next(p for p in urls.urlpatterns if "avatars" in str(p.pattern))
    original = pattern.default_args["document_root"]
    pattern.default_args["document_root"] = tmp_path / "avatars"
    try:
        avatar = client.get("/media/avatars/a.png")
        assert avatar.status_code == 200
        assert b"".join(avatar.streaming_content) == b"\x89PNG avatar"
        assert client.get("/media/attachments/2026/11/report.pdf").status_code == 404
        # Climbing out of avatars/ is refused as suspicious.
        assert client.get("/media/avatars/../attachments/2026/11/report.pdf").status_code == 400
    finally:
        pattern.default_args["document_root"] = original


def test_images_from_the_media_origin_are_allowed_by_the_content_security_policy(rf):
    def page(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    with override_settings(MEDIA_ORIGIN="https://files.example.org"):
        response = SecurityHeadersMiddleware(page)(rf.get("/"))
    assert "img-src 'self' data: https://files.example.org;" in response["Content-Security-Policy"]
    with override_settings(MEDIA_ORIGIN=""):
        response = SecurityHeadersMiddleware(page)(rf.get("/"))
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]
