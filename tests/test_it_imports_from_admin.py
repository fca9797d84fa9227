import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from tests.test_it_imports_scraped_files import ENGLISH, VIETNAMESE

pytestmark = pytest.mark.usefixtures("english_site")

IMPORT = reverse("import_files")


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/plain")


def import_files(admin_client, *files, publish=False):
    data = {"files": list(files)}
    if publish:
        data["publish"] = "on"
    response = admin_client.post(IMPORT, data)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_article_list_links_to_the_import_page(admin_client):
    page = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert f'href="{IMPORT}"' in page
    assert admin_client.get(IMPORT).status_code == 200


@pytest.mark.django_db
def test_an_uploaded_file_and_its_translation_become_a_draft(admin_client):
    report = import_files(
        admin_client, upload("energy.txt", VIETNAMESE), upload("energy.en.txt", ENGLISH)
    )

    article = Article.objects.get()
    assert f"energy.txt: created {article.get_absolute_url()}" in report
    assert "1 file(s): 1 created." in report
    assert article.status == Article.Status.DRAFT
    assert article.lead_en.startswith("Hanoi and Tokyo")
    assert article.translation == Article.Translation.COMPLETE


@pytest.mark.django_db
def test_imported_files_can_be_published_at_once(admin_client, client):
    import_files(admin_client, upload("energy.txt", VIETNAMESE), publish=True)

    article = Article.objects.get()
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_report_says_why_a_file_was_refused_and_imports_the_rest(admin_client):
    report = import_files(
        admin_client,
        upload("energy.txt", VIETNAMESE),
        upload("empty.txt", ""),
        upload("photo.jpg", b"\xff\xd8\xff\xe0"),
        upload("orphan.en.txt", ENGLISH),
    )

    assert "energy.txt: created" in report
    assert "empty.txt: refused:" in report
    assert "photo.jpg: refused: not a .txt file" in report
    assert "orphan.en.txt: refused: is a translation; import orphan.txt instead" in report
    assert "4 file(s): 1 created, 3 refused." in report
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_uploading_the_same_file_again_changes_nothing(admin_client):
    import_files(admin_client, upload("energy.txt", VIETNAMESE))

    report = import_files(admin_client, upload("energy.txt", VIETNAMESE))

    assert "energy.txt: unchanged" in report
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_an_import_is_recorded_in_the_articles_history(admin_client):
    import_files(admin_client, upload("energy.txt", VIETNAMESE))

    revision = Article.history.get()
    assert (revision.history_type, revision.history_change_reason) == ("+", "Imported")
    assert revision.history_user.username == "admin"
    assert len(revision.related["paragraphs"]) == 2


@pytest.mark.django_db
def test_only_editors_who_may_add_articles_can_import(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("intern", password="x", is_staff=True))

    assert client.get(IMPORT).status_code == 403
