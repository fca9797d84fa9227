"""The admin's upload read a 30 MB file in full before refusing it as over 2 MB. Now an
upload larger than IMPORT_UPLOAD_MAX_BYTES is refused from its Content-Length, unread,
and of each file no more than IMPORT_MAX_BYTES (and a byte) is kept as it arrives."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, FakePayload, encode_multipart
from django.urls import reverse

from articles.models import Article
from ingest import views
from tests.test_it_imports_from_admin import upload
from tests.test_it_imports_scraped_files import VIETNAMESE

pytestmark = pytest.mark.usefixtures("english_site")

IMPORT = reverse("import_files")
MB = 1024 * 1024


class Upload:
    """The files encoded as a browser posts them; bytes_read(): how much the site read."""

    def __init__(self, *files: SimpleUploadedFile):
        body = encode_multipart(BOUNDARY, {"files": list(files)})
        self.size = len(body)
        self.payload = FakePayload(body)

    def post(self, client):
        return client.generic(
            "POST",
            IMPORT,
            CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
            CONTENT_LENGTH=str(self.size),
            **{"wsgi.input": self.payload},
        )

    def bytes_read(self) -> int:
        return self.size - len(self.payload)


@pytest.fixture
def kept(monkeypatch) -> list[int]:
    """The size of each uploaded file the importer is given."""
    sizes: list[int] = []
    import_uploads = views.import_uploads

    def spy(uploads, **options):
        sizes.extend(upload.size for upload in uploads)
        return import_uploads(uploads, **options)

    monkeypatch.setattr(views, "import_uploads", spy)
    return sizes


@pytest.mark.django_db
def test_a_30_mb_upload_is_refused_before_any_of_it_is_read(admin_client, kept):
    huge = Upload(upload("huge.txt", b"a" * 30 * MB))

    response = huge.post(admin_client)

    assert response.status_code == 413
    page = response.content.decode()
    assert "This upload is 30.0\xa0MB, more than the 20.0\xa0MB one upload may bring." in page
    assert huge.bytes_read() == 0
    assert kept == []
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_of_a_file_over_the_limit_no_more_than_the_limit_is_kept(admin_client, kept, settings):
    response = Upload(upload("big.txt", b"a" * 3 * MB), upload("energy.txt", VIETNAMESE)).post(
        admin_client
    )

    page = response.content.decode()
    assert "big.txt: refused: larger than the 2 MB limit" in page
    assert "energy.txt: created" in page
    assert kept == [settings.IMPORT_MAX_BYTES + 1, len(VIETNAMESE.encode())]


@pytest.mark.django_db
def test_a_30_mb_file_that_the_request_cap_lets_through_is_dropped_as_it_arrives(
    admin_client, kept, settings
):
    settings.IMPORT_UPLOAD_MAX_BYTES = 64 * MB
    huge = Upload(upload("huge.txt", b"a" * 30 * MB))

    tracemalloc.start()
    try:
        response = huge.post(admin_client)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "huge.txt: refused: larger than the 2 MB limit" in response.content.decode()
    assert huge.bytes_read() == huge.size  # read as it came, and dropped
    assert kept == [settings.IMPORT_MAX_BYTES + 1]
    assert peak < 8 * MB


@pytest.mark.django_db
def test_the_upload_still_needs_its_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = client.post(IMPORT, {"files": [upload("energy.txt", VIETNAMESE)]})

    assert response.status_code == 403
    assert not Article.objects.exists()
