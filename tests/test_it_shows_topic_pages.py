import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from articles.models import Entity
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DraftArticleFactory,
    EntityAliasFactory,
    EntityFactory,
    TagFactory,
    TopicArticleFactory,
    mention,
    retag,
)


def listed(html: str) -> list[str]:
    """The Vietnamese titles of the listed articles, in page order."""
    return re.findall(r'<h2 class="card-title"><a href="[^"]*" lang="vi">([^<]*)</a>', html)


def page_title(html: str) -> str:
    heading = re.search(r'<h1 class="page-title">(.*?)</h1>', html, re.S)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", heading)).split())


def chip_links(html: str, section_id: str) -> list[tuple[str, str]]:
    """(href, text) of the chips in the article footer section with the given heading id."""
    section = re.search(rf'<section aria-labelledby="{section_id}">(.*?)</section>', html, re.S)
    return [
        (href, unescape(text))
        for href, text in re.findall(r'<a class="chip[^"]*" href="([^"]*)">([^<]*)</a>', section[1])
    ]


# --- Categories ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_category_page_shows_its_names_in_both_languages_and_only_its_articles(client):
    defence = TagFactory()
    now = timezone.now()
    TopicArticleFactory(title_vi="Tàu ngầm mới", tags=[defence], published_at=now)
    pinned = ArticleFactory(title_vi="Bài được ghim", published_at=now - timedelta(hours=1))
    ArticleFactory(title_vi="Giá lúa gạo")
    draft = DraftArticleFactory(title_vi="Bản nháp quốc phòng")
    retag(draft, defence)
    category = CategoryFactory(
        name_vi="Quốc phòng",
        name_en="Defence",
        description_vi="Tin quân sự và an ninh.",
        any_tags=[defence],
        pinned_articles=[pinned, draft],
    )
    assert draft in category.articles.all()  # a member, but not published

    html = client.get(category.get_absolute_url()).content.decode()

    assert page_title(html) == "Quốc phòng Defence"
    assert "Tin quân sự và an ninh." in html
    assert listed(html) == ["Tàu ngầm mới", "Bài được ghim"]
    assert "Bản nháp quốc phòng" not in html


@pytest.mark.django_db
def test_a_category_is_marked_as_the_current_section_in_the_navigation(client):
    category = CategoryFactory(name_vi="Quốc phòng")
    CategoryFactory(name_vi="Kinh tế")

    html = client.get(category.get_absolute_url()).content.decode()

    assert re.findall(r'<a href="([^"]*)" aria-current="page">', html) == [
        category.get_absolute_url()
    ]


@pytest.mark.django_db
def test_a_scheduled_article_waits_before_showing_on_its_category_page(client):
    defence = TagFactory()
    TopicArticleFactory(
        title_vi="Ngày mai", tags=[defence], published_at=timezone.now() + timedelta(hours=2)
    )
    category = CategoryFactory(any_tags=[defence])

    assert listed(client.get(category.get_absolute_url()).content.decode()) == []


# --- Tags ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tag_page_shows_its_names_and_only_its_published_articles(client):
    hypersonic = TagFactory(slug="sieu-thanh", name_vi="Siêu thanh", name_en="Hypersonic")
    TopicArticleFactory(title_vi="Tên lửa siêu thanh", tags=[hypersonic, TagFactory()])
    TopicArticleFactory(title_vi="Tàu ngầm", tags=[TagFactory()])
    draft = DraftArticleFactory(title_vi="Bản nháp siêu thanh")
    retag(draft, hypersonic)

    html = client.get("/tags/sieu-thanh/").content.decode()

    assert page_title(html) == "Siêu thanh Hypersonic"
    assert listed(html) == ["Tên lửa siêu thanh"]
    assert "Bản nháp siêu thanh" not in html


@pytest.mark.django_db
def test_a_tag_without_an_english_name_shows_the_vietnamese_one(client):
    tag = TagFactory(name_vi="Biển Đông", name_en="")
    TopicArticleFactory(tags=[tag])

    html = client.get(tag.get_absolute_url()).content.decode()

    assert page_title(html) == "Biển Đông"


# --- Entities --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_entity_page_shows_its_names_aliases_type_and_description(client):
    united_states = EntityFactory(
        slug="united-states",
        kind=Entity.Kind.PLACE,
        name_vi="Hoa Kỳ",
        name_en="United States",
        description_vi="Quốc gia ở Bắc Mỹ.",
        description_en="A country in North America.",
    )
    EntityAliasFactory(entity=united_states, text="Mỹ", language="vi")
    EntityAliasFactory(entity=united_states, text="U.S.", language="en")
    EntityAliasFactory(entity=united_states, text="USA", language="")
    TopicArticleFactory(entities=[united_states])

    html = client.get("/entities/united-states/").content.decode()

    assert page_title(html) == "Hoa Kỳ United States"
    assert '<p class="kicker">Địa danh</p>' in html
    assert '<p lang="vi">Quốc gia ở Bắc Mỹ.</p>' in html
    assert '<p lang="en" class="muted">A country in North America.</p>' in html
    aliases = re.findall(r'<span class="alias"( lang="(?:vi|en)")?>([^<]*)</span>', html)
    assert sorted(aliases) == [("", "USA"), (' lang="en"', "U.S."), (' lang="vi"', "Mỹ")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "shown"),
    [
        (Entity.Kind.PERSON, "Nhân vật"),
        (Entity.Kind.ORGANISATION, "Tổ chức"),
        (Entity.Kind.EVENT, "Sự kiện"),
    ],
)
def test_an_entity_page_says_what_kind_of_entity_it_is(client, kind, shown):
    entity = EntityFactory(kind=kind)
    TopicArticleFactory(entities=[entity])

    html = client.get(entity.get_absolute_url()).content.decode()

    assert f'<p class="kicker">{shown}</p>' in html


@pytest.mark.django_db
def test_an_entity_named_the_same_in_both_languages_shows_the_name_once(client):
    entity = EntityFactory(name_vi="NATO", name_en="NATO")
    TopicArticleFactory(entities=[entity])

    html = client.get(entity.get_absolute_url()).content.decode()

    assert page_title(html) == "NATO"


@pytest.mark.django_db
def test_an_entity_page_lists_the_published_articles_that_mention_it(client):
    japan = EntityFactory(slug="japan")
    now = timezone.now()
    TopicArticleFactory(title_vi="Thủ tướng Nhật", entities=[japan], published_at=now)
    TopicArticleFactory(
        title_vi="Nhật và Mỹ",
        entities=[japan, EntityFactory()],
        published_at=now - timedelta(days=1),
    )
    TopicArticleFactory(title_vi="Chỉ nói về Hàn", entities=[EntityFactory()])
    draft = DraftArticleFactory(title_vi="Bản nháp về Nhật")
    mention(draft, japan)

    html = client.get("/entities/japan/").content.decode()

    assert listed(html) == ["Thủ tướng Nhật", "Nhật và Mỹ"]


@pytest.mark.django_db
def test_often_mentioned_with_lists_co_mentioned_entities_most_shared_first(client):
    japan = EntityFactory(slug="japan", name_en="Japan")
    united_states = EntityFactory(name_vi="Hoa Kỳ", name_en="United States")
    china = EntityFactory(name_vi="Trung Quốc", name_en="China")
    australia = EntityFactory(name_vi="Úc", name_en="Australia")
    secret = EntityFactory(name_vi="Bí mật", name_en="Secret")
    TopicArticleFactory(entities=[japan, united_states, china])
    TopicArticleFactory(entities=[japan, united_states])
    TopicArticleFactory(entities=[japan, united_states, australia])
    TopicArticleFactory(entities=[japan, china])
    TopicArticleFactory(entities=[australia, secret, united_states])  # without Japan
    draft = DraftArticleFactory()
    mention(draft, japan, secret, australia)  # drafts do not count

    html = client.get("/entities/japan/").content.decode()

    section = re.search(r'<section class="related-entities">(.*?)</section>', html, re.S)[1]
    related = [
        (href, unescape(name).strip(), int(count))
        for href, name, count in re.findall(
            r'<a class="chip" href="([^"]*)">([^<]*)<span class="count">(\d+)</span></a>', section
        )
    ]
    assert related == [
        (united_states.get_absolute_url(), "Hoa Kỳ / United States", 3),
        (china.get_absolute_url(), "Trung Quốc / China", 2),
        (australia.get_absolute_url(), "Úc / Australia", 1),
    ]


@pytest.mark.django_db
def test_an_entity_mentioned_alone_has_no_often_mentioned_with(client):
    japan = EntityFactory()
    TopicArticleFactory(entities=[japan])

    html = client.get(japan.get_absolute_url()).content.decode()

    assert "Thường được nhắc đến cùng" not in html


@pytest.mark.django_db
def test_the_next_reader_of_a_topic_page_costs_no_query_without_the_page_cache(
    client, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    japan, china = EntityFactory(slug="japan"), EntityFactory(slug="china")
    EntityAliasFactory(entity=japan, text="Xứ Phù Tang")
    navy = TagFactory()
    category = CategoryFactory(any_entities=[japan])
    for _ in range(3):
        retag(TopicArticleFactory(entities=[japan, china]), navy)
    pages = ["/entities/japan/", navy.get_absolute_url(), category.get_absolute_url()]
    first = [client.get(page) for page in pages]

    # the topic, its aliases, what it is mentioned with and its list are kept until the
    # content changes
    with django_assert_max_num_queries(0):
        again = [client.get(page) for page in pages]

    assert [page.content for page in again] == [page.content for page in first]
    assert "Xứ Phù Tang" in again[0].content.decode()


# --- The article page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_article_shows_chips_for_its_entities_and_tags_linking_to_their_pages(client):
    japan = EntityFactory(slug="japan", name_vi="Nhật Bản", name_en="Japan")
    nato = EntityFactory(slug="nato", kind=Entity.Kind.ORGANISATION, name_vi="NATO", name_en="NATO")
    defence = TagFactory(slug="quoc-phong", name_vi="Quốc phòng", name_en="Defence")
    article = TopicArticleFactory(tags=[defence])
    mention(article, japan, count=3)
    mention(article, nato, count=1)

    html = client.get(article.get_absolute_url()).content.decode()

    assert chip_links(html, "in-this-article") == [
        ("/entities/japan/", "Nhật Bản / Japan"),
        ("/entities/nato/", "NATO"),
    ]
    assert '<a class="chip chip-organisation" href="/entities/nato/">' in html
    assert chip_links(html, "article-tags") == [("/tags/quoc-phong/", "Quốc phòng / Defence")]
    assert client.get("/entities/japan/").status_code == 200
    assert client.get("/tags/quoc-phong/").status_code == 200


@pytest.mark.django_db
def test_an_article_without_entities_or_tags_shows_no_chips(client):
    article = ArticleFactory()

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Trong bài viết này" not in html
    assert 'id="article-tags"' not in html


@pytest.mark.django_db
def test_highlighting_marks_each_mention_with_a_link_to_its_entity(client):
    japan = EntityFactory(slug="japan", name_vi="Nhật Bản", name_en="Japan")
    united_states = EntityFactory(slug="united-states", name_vi="Hoa Kỳ", name_en="United States")
    EntityAliasFactory(entity=united_states, text="Mỹ", language="vi")
    article = ArticleFactory(
        lead_vi="Mỹ và Nhật Bản ký thỏa thuận.",
        lead_en="The United States and Japan sign a deal.",
        paragraphs=[("Nhật Bản hoan nghênh.", "Japan welcomes it.")],
    )
    mention(article, japan, united_states)

    html = client.get(article.get_absolute_url() + "?highlight=1&view=parallel").content.decode()

    us_link = '<a href="/entities/united-states/"><mark class="mention">{}</mark></a>'
    japan_link = '<a href="/entities/japan/"><mark class="mention">{}</mark></a>'
    assert (
        f'<p class="text vi" lang="vi">{us_link.format("Mỹ")} và '
        f"{japan_link.format('Nhật Bản')} ký thỏa thuận.</p>" in html
    )
    assert (
        f'<p class="text en" lang="en">The {us_link.format("United States")} and '
        f"{japan_link.format('Japan')} sign a deal.</p>" in html
    )
    assert f"{japan_link.format('Japan')} welcomes it." in html
    assert re.findall(r'<mark class="mention">([^<]*)</mark>', html) == [
        "Mỹ",
        "Nhật Bản",
        "United States",
        "Japan",
        "Nhật Bản",
        "Japan",
    ]


@pytest.mark.django_db
def test_without_highlighting_the_text_has_no_marks(client):
    japan = EntityFactory(name_vi="Nhật Bản", name_en="Japan")
    article = ArticleFactory(lead_vi="Nhật Bản ký thỏa thuận.", lead_en="Japan signs a deal.")
    mention(article, japan)

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<mark class="mention">' not in html


@pytest.mark.django_db
def test_highlighting_escapes_html_in_the_text(client):
    japan = EntityFactory(slug="japan", name_vi="Nhật Bản", name_en="Japan")
    article = ArticleFactory(
        lead_vi="<script>alert(1)</script> Nhật Bản & <b>đối tác</b>.",
        lead_en='<img src=x onerror="alert(1)"> Japan <i>&amp;</i> partners.',
        paragraphs=[],
    )
    mention(article, japan)

    html = client.get(article.get_absolute_url() + "?highlight=1&view=parallel").content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "<b>đối tác</b>" not in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; "
        '<a href="/entities/japan/"><mark class="mention">Nhật Bản</mark></a> &amp; '
        "&lt;b&gt;đối tác&lt;/b&gt;." in html
    )
    assert (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; "
        '<a href="/entities/japan/"><mark class="mention">Japan</mark></a> '
        "&lt;i&gt;&amp;amp;&lt;/i&gt; partners." in html
    )


@pytest.mark.django_db
def test_highlighting_marks_only_the_entities_the_article_mentions(client):
    EntityFactory(name_vi="Nhật Bản", name_en="Japan")
    article = ArticleFactory(
        lead_vi="Nhật Bản và Hoa Kỳ.", lead_en="Japan and the United States.", paragraphs=[]
    )
    EntityFactory(name_vi="Hoa Kỳ", name_en="United States")  # named, but not linked yet

    html = client.get(article.get_absolute_url() + "?highlight=1").content.decode()

    assert re.findall(r'<mark class="mention">([^<]*)</mark>', html) == ["Nhật Bản", "Japan"]


@pytest.mark.django_db
def test_a_highlighted_article_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(paragraphs=[(f"Đoạn {i} về Nhật.", f"Japan {i}.") for i in range(30)])
    for _ in range(10):
        entity = EntityFactory()
        EntityAliasFactory.create_batch(3, entity=entity)
        mention(article, entity)

    # the article's version; the article with its source, its paragraphs, its tags, its
    # corrections, its mentions with their entities, the aliases and the names of the
    # entities to mark; how common its entities are, the articles on its story and the
    # related ones (none); the categories in the navigation
    with django_assert_max_num_queries(12):
        response = client.get(article.get_absolute_url() + "?highlight=1")

    assert response.status_code == 200
