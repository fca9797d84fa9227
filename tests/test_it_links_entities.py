from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Category, Entity, EntityAlias
from tests.importing import import_file

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_c7c1a47f91e5f97c.txt"
DEMO = Path(__file__).resolve().parents[1] / "articles" / "demo"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def linked_entities(article: Article) -> set[str]:
    return set(article.mentions.values_list("entity__name_en", flat=True))


def test_the_shared_sample_links_its_people_countries_and_source(demo):
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not present")
    article = import_file(SAMPLE).article
    call_command("load_demo", verbosity=0)  # applies the sample's demo tags
    article.refresh_from_db()

    assert {
        "United States",
        "Japan",
        "Antony Blinken",
        "Lloyd Austin",
        "Fumio Kishida",
        "North Korea",
        "Russia",
        "China",
        "Taiwan",
        "Ukraine",
        "Reuters",
    } <= linked_entities(article)
    assert article.categories.filter(name_vi="Quốc phòng – An ninh").exists()


def test_look_alike_words_do_not_link_in_vietnamese(demo):
    lacquer = Article.objects.get(import_ref="08_lacquer-tokyo")
    text = " ".join(vietnamese for vietnamese, _ in lacquer.aligned_blocks())

    assert "Mỹ Tho" in text
    assert "nhật ký" in text
    assert "United States" not in linked_entities(lacquer)
    assert "My Tho" in linked_entities(lacquer)


def test_an_english_only_alias_links_an_article_in_english(db, tmp_path):
    japan = Entity.objects.create(slug="japan", kind="place", name_vi="Nhật Bản", name_en="Japan")
    EntityAlias.objects.create(entity=japan, text="Tokyo", language="")
    (tmp_path / "a.txt").write_text(
        "Hôm nay trời đẹp ở Hà Nội, người dân đi dạo.\n", encoding="utf-8"
    )
    (tmp_path / "a.en.txt").write_text("Officials in Tokyo welcomed the plan.\n", encoding="utf-8")

    article = import_file(tmp_path / "a.txt").article

    assert linked_entities(article) == {"Japan"}
    assert article.mentions.get().count == 2  # the lead, and the title derived from it


def test_load_demo_is_idempotent(demo):
    counts = (Article.objects.count(), Entity.objects.count(), Category.objects.count())
    mentions = sorted(Article.entities.through.objects.values_list("article", "entity", "count"))

    call_command("load_demo", verbosity=0)

    assert (Article.objects.count(), Entity.objects.count(), Category.objects.count()) == counts
    assert (
        sorted(Article.entities.through.objects.values_list("article", "entity", "count"))
        == mentions
    )


def test_demo_categories_are_filled_and_in_editor_order(demo, client):
    html = client.get("/").content.decode()

    names = list(Category.objects.values_list("name_vi", flat=True))
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    assert Category.objects.get(slug="defense-security").articles.count() >= 3
