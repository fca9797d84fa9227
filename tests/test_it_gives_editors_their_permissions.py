import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.editors import client_for, open_form, save
from tests.factories import ArticleFactory, CategoryFactory, EntityFactory

pytestmark = pytest.mark.usefixtures("english_site")


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return client_for(user)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    ["article", "entity", "tag", "category", "entitysuggestion", "source", "correction"],
)
def test_an_editor_can_open_and_add_to_what_readers_see(editor, model):
    assert editor.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200
    assert editor.get(reverse(f"admin:articles_{model}_add")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["user", "group"])
def test_an_editor_cannot_manage_users_or_groups(editor, model):
    assert editor.get(reverse(f"admin:auth_{model}_changelist")).status_code == 403
    assert editor.get(reverse(f"admin:auth_{model}_add")).status_code == 403


@pytest.mark.django_db
def test_an_editor_edits_an_article_and_reverts_it(editor):
    article = ArticleFactory(title_vi="Tiêu đề gốc")
    save(editor, article, open_form(editor, article) | {"title_vi": ["Tiêu đề mới"]})
    history = editor.get(reverse("admin:articles_article_history", args=[article.pk]))

    assert history.status_code == 200
    assert "Tiêu đề mới" in history.content.decode()


@pytest.mark.django_db
def test_an_editor_changes_entities_and_categories(editor):
    entity, category = EntityFactory(), CategoryFactory()

    for obj in (entity, category):
        url = reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])
        assert editor.get(url).status_code == 200


@pytest.mark.django_db
def test_staff_outside_the_editor_group_see_no_articles(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("intern", password="x", is_staff=True))

    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403


@pytest.mark.django_db
def test_an_editor_works_the_translation_desk(editor):
    article = ArticleFactory(lead_en="", paragraphs=[])
    board = reverse("admin:articles_article_desk")
    assert article.title_vi in editor.get(board).content.decode()
