"""Tags that put themselves on articles: each tag's words, matched in whatever way an
article is saved, with an editor's hand winning; categories follow; a rule tester."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.derived import apply_tag_rules
from articles.models import Article, Category, Tag
from tests.factories import ArticleFactory, TagFactory
from tests.test_it_imports_scraped_files import run_import

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "000_c7c1a47f91e5f97c.txt"

# Raw articles as other outlets' scrapers give them: no title, the lead first, a byline.
MISSILE_LAUNCH = """Triều Tiên hôm qua phóng một tên lửa đạn đạo tầm trung ra biển Nhật Bản, \
lần phóng thứ ba trong tháng.

Bộ Quốc phòng Hàn Quốc cho biết tên lửa bay khoảng 1.000 km trước khi rơi xuống biển.

Tokyo và Seoul đã lên án vụ phóng, gọi đây là hành động khiêu khích.

Hoàng Anh (Theo Yonhap)
"""
MINERALS_DEAL = """Australia và Ấn Độ ký thỏa thuận về khoáng sản quan trọng nhằm đa dạng hóa \
chuỗi cung ứng cho ngành sản xuất pin.

Theo thỏa thuận, hai nước sẽ cùng đầu tư vào các mỏ lithium và coban.

Giới phân tích cho rằng thỏa thuận giúp giảm phụ thuộc vào một nguồn cung duy nhất.

Thu Trang (Theo Bloomberg)
"""
BRIDGE_OPENING = """Tỉnh Vĩnh Long hôm nay khánh thành cây cầu mới bắc qua sông Cổ Chiên, rút \
ngắn thời gian đi lại giữa hai huyện.

Cây cầu dài 1,5 km, được xây dựng trong ba năm với vốn ngân sách tỉnh.

Người dân địa phương mong cây cầu sẽ giúp buôn bán nông sản thuận lợi hơn.

Minh Tú
"""


def _import(tmp_path, name: str, text: str) -> Article:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    output, code = run_import(path, publish=True)
    assert code == 0, output
    return Article.objects.get(import_ref__endswith=name.removesuffix(".txt"))


def _category_slugs(article: Article) -> set[str]:
    article.refresh_from_db()
    return set(Category.objects.filter(pk__in=article.category_ids).values_list("slug", flat=True))


def _tag_slugs(article: Article) -> set[str]:
    article.refresh_from_db()
    return set(Tag.objects.filter(pk__in=article.tag_ids).values_list("slug", flat=True))


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample article is not here")
def test_the_sample_imported_after_the_demo_lands_in_defense_and_security(demo, tmp_path):
    article = _import(tmp_path, SAMPLE.name, SAMPLE.read_text(encoding="utf-8"))

    assert {"missiles", "hypersonic", "alliances", "military-spending"} <= _tag_slugs(article)
    assert "defense-security" in _category_slugs(article)


def test_raw_articles_from_other_outlets_land_where_an_editor_would_put_them(demo, tmp_path):
    launch = _import(tmp_path, "launch.txt", MISSILE_LAUNCH)
    minerals = _import(tmp_path, "minerals.txt", MINERALS_DEAL)
    bridge = _import(tmp_path, "bridge.txt", BRIDGE_OPENING)

    assert "defense-security" in _category_slugs(launch)
    assert "economy" in _category_slugs(minerals)
    assert "defense-security" not in _category_slugs(minerals)
    assert "defense-security" not in _category_slugs(bridge)


def test_demo_articles_fill_the_demo_categories_by_their_words_alone(demo):
    for slug in ("defense-security", "economy", "technology", "climate-environment"):
        assert Category.objects.get(slug=slug).articles.exists(), slug


@pytest.mark.django_db
def test_a_word_inside_a_longer_vietnamese_word_does_not_count():
    TagFactory(slug="japan-topic", words_vi="Nhật")
    diary = ArticleFactory(lead_vi="Cô ấy viết nhật ký mỗi tối.")
    japan = ArticleFactory(lead_vi="Quan hệ Việt – Nhật ngày càng bền chặt.")

    assert _tag_slugs(diary) == set()
    assert _tag_slugs(japan) == {"japan-topic"}


@pytest.mark.django_db
def test_words_without_diacritics_match_only_when_the_editor_says_so():
    exact = TagFactory(slug="exact", words_vi="tên lửa")
    loose = TagFactory(slug="loose", words_vi="tên lửa", ignore_diacritics=True)
    unaccented = ArticleFactory(lead_vi="Trieu Tien phong ten lua.")
    accented = ArticleFactory(lead_vi="Triều Tiên phóng Tên Lửa.")

    assert _tag_slugs(unaccented) == {loose.slug}
    assert _tag_slugs(accented) == {exact.slug, loose.slug}


@pytest.mark.django_db
def test_two_tags_that_list_the_same_word_both_go_on_the_article():
    defence = TagFactory(slug="defence", words_vi="quốc phòng")
    budget = TagFactory(slug="budget", words_vi="quốc phòng, ngân sách quốc gia")
    article = ArticleFactory(lead_vi="Ngân sách quốc phòng tăng.")

    assert _tag_slugs(article) == {defence.slug, budget.slug}


@pytest.mark.django_db
def test_a_minimum_count_and_the_title_and_lead_only_rule():
    twice = TagFactory(slug="twice", words_en="missile", minimum_count=2)
    headline = TagFactory(slug="headline", words_en="summit", title_and_lead_only=True)
    article = ArticleFactory(
        lead_vi="Tin thế giới.", lead_en="A missile test.", paragraphs=[("Một.", "The summit.")]
    )
    assert _tag_slugs(article) == set()

    article.lead_en = "A missile test, then another missile."
    article.save()

    assert _tag_slugs(article) == {twice.slug}
    assert headline.slug not in _tag_slugs(article)


@pytest.mark.django_db
def test_an_editors_hand_wins_over_the_rules(admin_client, tmp_path):
    missiles = TagFactory(slug="missiles", words_vi="tên lửa")
    culture = TagFactory(slug="culture")
    article = _import(tmp_path, "launch.txt", MISSILE_LAUNCH)
    assert _tag_slugs(article) == {"missiles"}

    _save_tags(admin_client, article, [culture])  # missiles taken off, culture added
    assert _tag_slugs(article) == {"culture"}

    changed = MISSILE_LAUNCH.replace("lần phóng thứ ba", "lần phóng tên lửa thứ ba")
    _import(tmp_path, "launch.txt", changed)  # the source changes: its text is matched again
    apply_tag_rules([missiles])
    assert _tag_slugs(article) == {"culture"}

    _save_tags(admin_client, article, [culture, missiles])  # given back by hand
    assert _tag_slugs(article) == {"culture", "missiles"}


def _save_tags(client, article: Article, tags: list[Tag]) -> None:
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in {**form.initial, **{"base_version": article.version}}.items()
        if value is not None and name not in ("tags", "linked_entities", "categories")
    }
    data.update(
        {
            "tags": [tag.pk for tag in tags],
            "linked_entities": form.fields["linked_entities"].initial,
            "categories": form.fields["categories"].initial,
            "paragraphs-TOTAL_FORMS": 0,
            "paragraphs-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()


@pytest.mark.django_db
def test_the_rule_tester_shows_the_tags_words_and_categories_of_a_pasted_text(admin_client):
    missiles = TagFactory(slug="missiles", name_vi="tên lửa", words_vi="tên lửa, đạn đạo")
    defense = Category.objects.create(slug="defense", name_vi="Quốc phòng", name_en="Defense")
    defense.any_tags.add(missiles)

    response = admin_client.post(
        reverse("admin:articles_tag_test", args=[missiles.pk]),
        {"words_vi": "tên lửa, đạn đạo", "minimum_count": 1, "text": MISSILE_LAUNCH},
    )

    html = response.content.decode()
    assert "“tên lửa” ×2" in html and "“đạn đạo” ×1" in html
    assert "Quốc phòng" in html


@pytest.mark.django_db
def test_a_changed_rule_is_previewed_then_applied_to_the_stored_articles(admin_client):
    hypersonic = TagFactory(slug="hypersonic", words_vi="siêu thanh")
    defense = Category.objects.create(slug="defense", name_vi="Quốc phòng", name_en="Defense")
    defense.any_tags.add(hypersonic)
    railgun = ArticleFactory(lead_vi="Nhật Bản thử súng điện từ railgun.")
    glide = ArticleFactory(lead_vi="Vũ khí siêu thanh bay nhanh.")
    assert set(defense.articles.all()) == {glide}
    url = reverse("admin:articles_tag_test", args=[hypersonic.pk])
    rule = {"words_vi": "súng điện từ", "minimum_count": 1}

    preview = admin_client.post(url, rule).content.decode()

    assert "1 article would gain the tag" in preview and "1 would lose it" in preview
    assert set(defense.articles.all()) == {glide}  # nothing changed yet

    response = admin_client.post(url, {**rule, "_apply": "1"})

    assert response.status_code == 302
    assert set(defense.articles.all()) == {railgun}
    hypersonic.refresh_from_db()
    assert hypersonic.words_vi == "súng điện từ"
