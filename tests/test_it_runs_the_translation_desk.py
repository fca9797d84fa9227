"""The desk's board: what is left to translate, oldest published first, with counts per
state and per source; assignments, and each translator's own queue."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles.models import Assignment
from tests.editors import client_for
from tests.factories import ArticleFactory, DraftArticleFactory, SourceFactory

BOARD = reverse("admin:articles_article_desk")


def board(client, query: str = "") -> str:
    response = client.get(f"{BOARD}?{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def translator(db):
    return get_user_model().objects.create_user(
        "lan", password="x", is_staff=True, is_superuser=True
    )


@pytest.fixture
def articles(db):
    now = timezone.now()
    reuters, afp = SourceFactory(name="Reuters"), SourceFactory(name="AFP")
    return {
        "missing": ArticleFactory(
            title_vi="Chưa dịch",
            source=reuters,
            lead_en="",
            published_at=now - timedelta(days=3),
            paragraphs=[("Một.", "")],
        ),
        "partial": ArticleFactory(
            title_vi="Dịch dở",
            source=afp,
            published_at=now - timedelta(days=5),
            paragraphs=[("Một.", "One."), ("Hai.", "")],
        ),
        "complete": ArticleFactory(title_vi="Đã dịch xong", source=afp),
        "draft": DraftArticleFactory(
            title_vi="Bản nháp", source=reuters, lead_en="", paragraphs=[]
        ),
    }


@pytest.mark.usefixtures("english_site")
def test_the_board_lists_what_is_left_to_translate_oldest_published_first(admin_client, articles):
    html = board(admin_client)

    assert "Đã dịch xong" not in html
    assert html.index("Dịch dở") < html.index("Chưa dịch") < html.index("Bản nháp")
    assert 'class="state state-partial">Partial</span> 2 of 3' in html
    states = html[html.index('id="desk-states"') : html.index('id="desk-sources"')]
    assert ">Missing</a> 2" in states and ">Partial</a> 1" in states and ">Stale</a> 0" in states
    sources = html[html.index('id="desk-sources"') :]
    assert ">Reuters</a> 2" in sources and ">AFP</a> 1" in sources

    only_afp = board(admin_client, "source=AFP")
    assert "Dịch dở" in only_afp and "Chưa dịch" not in only_afp
    only_missing = board(admin_client, "state=missing")
    assert "Chưa dịch" in only_missing and "Dịch dở" not in only_missing


def test_the_state_reads_at_a_glance_in_either_language(admin_client, articles):
    assert 'class="state state-missing">Còn thiếu' in board(admin_client)  # Vietnamese interface


@pytest.mark.usefixtures("english_site")
def test_an_editor_assigns_articles_and_the_translator_sees_their_queue(
    admin_client, articles, translator
):
    due = date.today() + timedelta(days=2)
    response = admin_client.post(
        BOARD,
        {
            "article": [articles["missing"].pk, articles["draft"].pk],
            "translator": translator.pk,
            "due": due.isoformat(),
        },
    )
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("article_id", "translator_id", "due")) == {
        (articles["missing"].pk, translator.pk, due),
        (articles["draft"].pk, translator.pk, due),
    }

    theirs = board(client_for(translator), "mine=1")
    assert "My queue (2)" in theirs
    assert "Chưa dịch" in theirs and "Bản nháp" in theirs and "Dịch dở" not in theirs
    assert "My queue (0)" in board(admin_client)


@pytest.mark.usefixtures("english_site")
@pytest.mark.parametrize("count", [3, 60])
def test_the_board_costs_the_same_queries_with_many_articles(
    admin_client, django_assert_num_queries, translator, count
):
    for n in range(count):
        article = ArticleFactory(
            lead_en="", source=SourceFactory(name=f"Nguồn {n % 5}"), paragraphs=[]
        )
        Assignment.objects.create(article=article, translator=translator, due=date.today())
    board(admin_client)

    # the session, its user; the counts per state; per source; the user's own queue; the page
    # of articles with their sources and assignments; the translators for the picker
    with django_assert_num_queries(7):
        html = board(admin_client)
    assert html.count('name="article"') == min(count, 50)
