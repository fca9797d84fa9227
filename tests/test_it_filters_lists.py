import re
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Entity
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DraftArticleFactory,
    EntityFactory,
    SourceFactory,
    TagFactory,
    TopicArticleFactory,
    retag,
)

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")

# Labels and messages are checked in the English interface (/en/), whose strings are the
# source strings; the Vietnamese interface at the root says the same in Vietnamese.


def saigon(*args) -> datetime:
    return datetime(*args, tzinfo=SAIGON)


def listed(response) -> list[str]:
    """The Vietnamese titles of the listed articles, in page order."""
    assert response.status_code == 200
    return re.findall(
        r'<h2 class="card-title"><a href="[^"]*" lang="vi">([^<]*)</a>', response.content.decode()
    )


def notices(response) -> list[str]:
    return [
        unescape(text)
        for text in re.findall(r'<p class="notice" role="status">([^<]*)</p>', response.text)
    ]


def chips(response) -> dict[str, dict[str, list[str]]]:
    """Each active-filter chip's label, and the query its link leads to."""
    return {
        unescape(label): query(unescape(href))
        for href, label in re.findall(
            r'<a class="chip" href="([^"]*)" aria-label="Remove filter ([^"]*)">', response.text
        )
    }


def facets(response) -> dict[str, dict[str, tuple[int, dict[str, list[str]]]]]:
    """{facet title: {value label: (count, query its link leads to)}}."""
    found = {}
    for title, body in re.findall(
        r'<section class="facet">\s*<h2>([^<]*)</h2>(.*?)</section>', response.text, re.S
    ):
        found[unescape(title)] = {
            unescape(label): (int(count), query(unescape(href)))
            for href, label, count in re.findall(
                r'<li><a href="([^"]*)"[^>]*>([^<]*)</a> <span class="count">(\d+)</span></li>',
                body,
            )
        }
    return found


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True)


# --- Each filter -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_category_filter_keeps_the_categorys_articles(client):
    defence = TagFactory()
    TopicArticleFactory(title_vi="Quốc phòng", tags=[defence])
    ArticleFactory(title_vi="Thời tiết")
    CategoryFactory(slug="quoc-phong", any_tags=[defence])

    assert listed(client.get("/?category=quoc-phong")) == ["Quốc phòng"]


@pytest.mark.django_db
def test_several_tags_match_any_of_them_by_default(client):
    navy, army, cooking = TagFactory(slug="navy"), TagFactory(slug="army"), TagFactory()
    now = timezone.now()
    TopicArticleFactory(title_vi="Hải quân", tags=[navy], published_at=now)
    TopicArticleFactory(title_vi="Lục quân", tags=[army], published_at=now - timedelta(hours=1))
    TopicArticleFactory(title_vi="Cả hai", tags=[navy, army], published_at=now - timedelta(hours=2))
    TopicArticleFactory(title_vi="Nấu ăn", tags=[cooking])

    assert listed(client.get("/?tag=navy&tag=army")) == ["Hải quân", "Lục quân", "Cả hai"]
    assert listed(client.get("/?tag=navy&tag=army&match=any")) == [
        "Hải quân",
        "Lục quân",
        "Cả hai",
    ]


@pytest.mark.django_db
def test_match_all_keeps_articles_with_every_tag(client):
    navy, army, pacific = TagFactory(slug="navy"), TagFactory(slug="army"), TagFactory()
    TopicArticleFactory(title_vi="Hải quân", tags=[navy])
    TopicArticleFactory(title_vi="Cả hai", tags=[navy, army, pacific])

    assert listed(client.get("/?tag=navy&tag=army&match=all")) == ["Cả hai"]


@pytest.mark.django_db
def test_several_entities_match_any_of_them_by_default(client):
    japan, korea = EntityFactory(slug="japan"), EntityFactory(slug="korea")
    now = timezone.now()
    TopicArticleFactory(title_vi="Nhật", entities=[japan], published_at=now)
    TopicArticleFactory(title_vi="Hàn", entities=[korea], published_at=now - timedelta(hours=1))
    TopicArticleFactory(title_vi="Khác", entities=[EntityFactory()])

    assert listed(client.get("/?entity=japan&entity=korea")) == ["Nhật", "Hàn"]


@pytest.mark.django_db
def test_match_all_keeps_articles_mentioning_every_entity(client):
    japan, korea = EntityFactory(slug="japan"), EntityFactory(slug="korea")
    TopicArticleFactory(title_vi="Nhật", entities=[japan])
    TopicArticleFactory(title_vi="Nhật và Hàn", entities=[japan, korea])

    assert listed(client.get("/?entity=japan&entity=korea&match=all")) == ["Nhật và Hàn"]


@pytest.mark.django_db
def test_match_all_applies_to_tags_and_entities_each_on_their_own(client):
    navy, army = TagFactory(slug="navy"), TagFactory(slug="army")
    japan, korea = EntityFactory(slug="japan"), EntityFactory(slug="korea")
    TopicArticleFactory(title_vi="Đủ cả", tags=[navy, army], entities=[japan, korea])
    TopicArticleFactory(title_vi="Thiếu thẻ", tags=[navy], entities=[japan, korea])
    TopicArticleFactory(title_vi="Thiếu nơi", tags=[navy, army], entities=[korea])

    assert listed(client.get("/?tag=navy&tag=army&entity=japan&entity=korea&match=all")) == [
        "Đủ cả"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("person", ["Về người"]),
        ("organisation", ["Về tổ chức"]),
        ("place", ["Về nơi chốn"]),
        ("event", []),
    ],
)
def test_the_entity_type_filter_keeps_articles_mentioning_that_kind(client, kind, expected):
    TopicArticleFactory(title_vi="Về người", entities=[EntityFactory(kind=Entity.Kind.PERSON)])
    TopicArticleFactory(
        title_vi="Về tổ chức", entities=[EntityFactory(kind=Entity.Kind.ORGANISATION)]
    )
    TopicArticleFactory(title_vi="Về nơi chốn", entities=[EntityFactory(kind=Entity.Kind.PLACE)])
    ArticleFactory(title_vi="Không nhắc ai")

    assert listed(client.get(f"/?entity_type={kind}")) == expected


@pytest.mark.django_db
def test_the_source_filter_keeps_that_sources_articles(client):
    ArticleFactory(title_vi="Từ Reuters", source=SourceFactory(name="Reuters", slug="reuters"))
    ArticleFactory(title_vi="Từ AP", source=SourceFactory(name="AP", slug="ap"))

    assert listed(client.get("/?source=reuters")) == ["Từ Reuters"]


@pytest.mark.django_db
def test_dates_are_inclusive_days_in_vietnamese_time(client):
    ArticleFactory(title_vi="Sáng sớm ngày 10", published_at=saigon(2024, 3, 10, 0, 30))
    ArticleFactory(title_vi="Tối muộn ngày 10", published_at=saigon(2024, 3, 10, 23, 30))
    ArticleFactory(title_vi="Tối muộn ngày 9", published_at=saigon(2024, 3, 9, 23, 30))
    ArticleFactory(title_vi="Sáng sớm ngày 11", published_at=saigon(2024, 3, 11, 0, 30))

    assert listed(client.get("/?date_from=2024-03-10&date_to=2024-03-10")) == [
        "Tối muộn ngày 10",
        "Sáng sớm ngày 10",
    ]
    assert listed(client.get("/?date_from=2024-03-11")) == ["Sáng sớm ngày 11"]
    assert listed(client.get("/?date_to=2024-03-09")) == ["Tối muộn ngày 9"]


@pytest.mark.django_db
def test_the_translated_filter_tells_translated_articles_from_vietnamese_only_ones(client):
    ArticleFactory(title_vi="Đã dịch")
    ArticleFactory(title_vi="Chưa dịch", title_en="", lead_en="")

    assert listed(client.get("/?translated=true")) == ["Đã dịch"]
    assert listed(client.get("/?translated=false")) == ["Chưa dịch"]


@pytest.mark.django_db
def test_articles_sort_newest_first_unless_asked_for_oldest(client):
    now = timezone.now()
    for days, title in ((2, "Hôm kia"), (0, "Hôm nay"), (1, "Hôm qua")):
        ArticleFactory(title_vi=title, published_at=now - timedelta(days=days))

    assert listed(client.get("/")) == ["Hôm nay", "Hôm qua", "Hôm kia"]
    assert listed(client.get("/?sort=newest")) == ["Hôm nay", "Hôm qua", "Hôm kia"]
    assert listed(client.get("/?sort=oldest")) == ["Hôm kia", "Hôm qua", "Hôm nay"]


@pytest.mark.django_db
def test_pages_follow_the_chosen_order_and_keep_the_filters(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    navy = TagFactory(slug="navy")
    now = timezone.now()
    for day in range(5):
        TopicArticleFactory(title_vi=f"Ngày {day}", tags=[navy], published_at=now - timedelta(day))
    ArticleFactory(title_vi="Không có thẻ", published_at=now - timedelta(days=10))

    response = client.get("/?tag=navy&sort=oldest&page=2")

    assert listed(response) == ["Ngày 2", "Ngày 1"]
    assert 'href="?tag=navy&amp;sort=oldest&amp;page=3"' in response.text
    assert listed(client.get("/?tag=navy&sort=oldest&page=3")) == ["Ngày 0"]


@pytest.mark.django_db
def test_filters_narrow_a_topic_page_too(client):
    navy = TagFactory(slug="navy")
    japan = EntityFactory(slug="japan")
    TopicArticleFactory(title_vi="Hải quân Nhật", tags=[navy], entities=[japan])
    TopicArticleFactory(title_vi="Hải quân", tags=[navy], title_en="", lead_en="")
    category = CategoryFactory(slug="quoc-phong", any_tags=[navy])

    assert listed(client.get("/tags/navy/?entity=japan")) == ["Hải quân Nhật"]
    assert listed(client.get("/entities/japan/?tag=navy")) == ["Hải quân Nhật"]
    assert listed(client.get(f"{category.get_absolute_url()}?translated=false")) == ["Hải quân"]


@pytest.mark.django_db
def test_the_result_count_counts_the_filtered_articles(client):
    navy = TagFactory(slug="navy")
    TopicArticleFactory.create_batch(3, tags=[navy])
    ArticleFactory.create_batch(2)
    retag(DraftArticleFactory(), navy)

    assert '<p class="result-count">3 articles</p>' in client.get("/en/?tag=navy").text
    assert '<p class="result-count">5 bài viết</p>' in client.get("/").text


@pytest.mark.django_db
def test_beyond_the_facet_window_counts_and_pages_stay_right(client, settings, monkeypatch):
    monkeypatch.setattr("articles.listing.FACET_WINDOW", 3)
    settings.ARTICLES_PER_PAGE = 2
    navy, army = TagFactory(slug="navy"), TagFactory(slug="army")
    now = timezone.now()
    for day in range(5):
        TopicArticleFactory(
            title_vi=f"Ngày {day}",
            tags=[navy, army][: 1 + day % 2],
            published_at=now - timedelta(day),
        )

    response = client.get("/en/?translated=true&page=3")

    assert '<p class="result-count">5 articles</p>' in response.text
    assert listed(response) == ["Ngày 4"]
    assert notices(response) == []
    assert "Counts among the latest 3 articles." in response.text
    assert {label: count for label, (count, _) in facets(response)["Tags"].items()} == {
        str(navy): 3,
        str(army): 1,
    }


@pytest.mark.django_db
def test_the_home_page_and_a_tags_page_count_every_article_in_their_facets(
    client, settings, monkeypatch
):
    monkeypatch.setattr("articles.listing.FACET_WINDOW", 3)
    navy, army = TagFactory(slug="navy"), TagFactory(slug="army")
    now = timezone.now()
    for day in range(5):
        TopicArticleFactory(tags=[navy, army][: 1 + day % 2], published_at=now - timedelta(day))
    TopicArticleFactory(tags=[navy], published_at=now + timedelta(hours=1))  # not yet
    TopicArticleFactory(tags=[army]).delete()

    for page, counted in (
        ("/en/", {str(navy): 5, str(army): 2}),
        ("/en/?tag=navy", {str(navy): 5, str(army): 2}),
        ("/en/tags/army/", {str(navy): 2, str(army): 2}),
    ):
        response = client.get(page)

        assert "Counts among the latest" not in response.text
        assert {label: n for label, (n, _) in facets(response)["Tags"].items()} == counted


# --- Chips and facets ------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_active_filter_is_a_chip_whose_link_removes_just_that_value(client):
    navy = TagFactory(slug="navy", name_vi="Hải quân", name_en="Navy")
    army = TagFactory(slug="army", name_vi="Lục quân", name_en="Army")
    TopicArticleFactory(tags=[navy, army])  # tags readers may know of: they have an article
    SourceFactory(name="Reuters", slug="reuters")

    response = client.get(
        "/en/?tag=navy&tag=army&source=reuters&entity_type=place&translated=true"
        "&date_from=2024-03-10&match=all&sort=oldest&page=1"
    )

    others = {"match": ["all"], "sort": ["oldest"]}
    assert chips(response) == {
        "Tag: Hải quân / Navy": {
            "tag": ["army"],
            "source": ["reuters"],
            "entity_type": ["place"],
            "translated": ["true"],
            "date_from": ["2024-03-10"],
            **others,
        },
        "Tag: Lục quân / Army": {
            "tag": ["navy"],
            "source": ["reuters"],
            "entity_type": ["place"],
            "translated": ["true"],
            "date_from": ["2024-03-10"],
            **others,
        },
        "Source: Reuters": {
            "tag": ["navy", "army"],
            "entity_type": ["place"],
            "translated": ["true"],
            "date_from": ["2024-03-10"],
            **others,
        },
        "Entity type: Place": {
            "tag": ["navy", "army"],
            "source": ["reuters"],
            "translated": ["true"],
            "date_from": ["2024-03-10"],
            **others,
        },
        "Has an English translation: yes": {
            "tag": ["navy", "army"],
            "source": ["reuters"],
            "entity_type": ["place"],
            "date_from": ["2024-03-10"],
            **others,
        },
        "From: 2024-03-10": {
            "tag": ["navy", "army"],
            "source": ["reuters"],
            "entity_type": ["place"],
            "translated": ["true"],
            **others,
        },
    }


@pytest.mark.django_db
def test_without_filters_there_are_no_chips(client):
    ArticleFactory()

    assert chips(client.get("/")) == {}


@pytest.mark.django_db
def test_facets_count_the_listed_articles_and_their_links_add_the_value(client):
    navy = TagFactory(slug="navy", name_vi="Hải quân", name_en="Navy")
    army = TagFactory(slug="army", name_vi="Lục quân", name_en="Army")
    japan = EntityFactory(slug="japan", name_vi="Nhật Bản", name_en="Japan")
    korea = EntityFactory(slug="korea", name_vi="Hàn Quốc", name_en="South Korea")
    reuters = SourceFactory(name="Reuters", slug="reuters")
    ap = SourceFactory(name="AP", slug="ap")
    TopicArticleFactory(tags=[navy, army], entities=[japan, korea], source=reuters)
    TopicArticleFactory(tags=[navy], entities=[japan], source=reuters)
    TopicArticleFactory(tags=[navy], entities=[korea], source=ap)
    TopicArticleFactory(tags=[army], entities=[japan], source=ap)  # filtered out below
    DraftArticleFactory.create_batch(2, source=reuters)  # never counted
    CategoryFactory(slug="hai-quan", name_vi="Hải quân", name_en="Navy", any_tags=[navy])
    CategoryFactory(slug="nhat", name_vi="Nhật", name_en="Japan", any_entities=[japan])

    response = client.get("/en/?tag=navy&page=2")

    assert facets(response) == {
        "Categories": {
            "Hải quân / Navy": (3, {"tag": ["navy"], "category": ["hai-quan"]}),
            "Nhật / Japan": (2, {"tag": ["navy"], "category": ["nhat"]}),
        },
        "Tags": {
            "Hải quân / Navy": (3, {"tag": ["navy"]}),  # active: its link changes nothing
            "Lục quân / Army": (1, {"tag": ["navy", "army"]}),
        },
        "People, organisations and places": {
            "Nhật Bản / Japan": (2, {"tag": ["navy"], "entity": ["japan"]}),
            "Hàn Quốc / South Korea": (2, {"tag": ["navy"], "entity": ["korea"]}),
        },
        "Sources": {
            "Reuters": (2, {"tag": ["navy"], "source": ["reuters"]}),
            "AP": (1, {"tag": ["navy"], "source": ["ap"]}),
        },
    }
    assert re.search(r'<a href="\?tag=navy" aria-current="true">Hải quân / Navy</a>', response.text)


@pytest.mark.django_db
def test_following_a_facet_link_adds_that_value_to_the_filters(client):
    navy, army = TagFactory(slug="navy"), TagFactory(slug="army")
    TopicArticleFactory(title_vi="Hải quân", tags=[navy])
    TopicArticleFactory(title_vi="Cả hai", tags=[navy, army])
    response = client.get("/?tag=navy&match=all&page=1")
    (army_link,) = re.findall(r'<li><a href="([^"]*army[^"]*)"', response.text)

    assert listed(client.get("/" + unescape(army_link))) == ["Cả hai"]


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("tag=nope", "Tag: nothing is called “nope”."),
        ("tag=navy&tag=nope", "Tag: nothing is called “nope”."),
        ("tag=nope&tag=navy&tag=nada", "Tag: nothing is called “nope”, “nada”."),
        ("entity=nope&entity=nada", "Entity: nothing is called “nope”, “nada”."),
        ("entity=nope", "Entity: nothing is called “nope”."),
        ("category=nope", "Category: nothing is called “nope”."),
        ("source=nope", "Source: nothing is called “nope”."),
        ("date_from=2024-13-45", "From: “2024-13-45” is not valid"),
        ("date_to=yesterday", "To: “yesterday” is not valid"),
        ("sort=sideways", "Sort: “sideways” is not valid"),
        ("sort=oldest&sort=sideways", "Sort: “sideways” is not valid"),
        ("source=reuters&source=nope", "Source: nothing is called “nope”."),
        ("match=maybe", "Match: “maybe” is not valid"),
        ("entity_type=planet", "Entity type: “planet” is not valid"),
        ("translated=perhaps", "Has an English translation: “perhaps” is not valid"),
        ("tag=%00", "Tag: nothing is called"),
        ("category=%00", "Category: nothing is called"),
        ("source=%00", "Source: nothing is called"),
        ("entity=a%00b", "Entity: nothing is called"),
        ("date_from=%00", "From:"),
        ("sort=%00", "Sort:"),
    ],
)
def test_a_bad_filter_value_gets_a_friendly_message_instead_of_results(
    client, query_string, message
):
    retag(ArticleFactory(title_vi="Bài viết"), TagFactory(slug="navy"))

    response = client.get(f"/en/?{query_string}")

    assert response.status_code == 200
    assert any(notice.startswith(message) for notice in notices(response)), notices(response)
    assert listed(response) == []
    assert "\x00" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/tags/navy/", "/entities/japan/", "/categories/quoc-phong/"])
def test_a_topic_page_gives_the_same_friendly_message(client, url):
    TopicArticleFactory(tags=[TagFactory(slug="navy")], entities=[EntityFactory(slug="japan")])
    CategoryFactory(slug="quoc-phong")

    response = client.get(f"/en{url}?tag=nope&date_from=2024-13-45")

    assert [notice.split(" (")[0] for notice in notices(response)] == [
        "Tag: nothing is called “nope”.",
        "From: “2024-13-45” is not valid",
    ]
    assert listed(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query_string", "listed_titles"),
    [
        ("date_from=0001-01-01", ["Mới", "Cũ"]),
        ("date_to=9999-12-31", ["Mới", "Cũ"]),
        ("date_from=9999-12-31", []),
        ("date_to=0001-01-01", []),
        ("date_from=0001-01-01&date_to=9999-12-31", ["Mới", "Cũ"]),
    ],
)
def test_dates_far_out_of_range_are_taken_as_open_ended(client, query_string, listed_titles):
    ArticleFactory(title_vi="Cũ", published_at=saigon(1990, 1, 1))
    ArticleFactory(title_vi="Mới")

    assert listed(client.get(f"/?{query_string}")) == listed_titles


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "message", "shown"),
    [
        ("999", "There is no page 999; the last page is 3, shown here.", ["Ngày 4"]),
        ("4", "There is no page 4; the last page is 3, shown here.", ["Ngày 4"]),
        ("abc", "“abc” is not a page number; here is the first page.", ["Ngày 0", "Ngày 1"]),
        ("-1", "Pages start at 1; here is the first page.", ["Ngày 0", "Ngày 1"]),
        ("0", "Pages start at 1; here is the first page.", ["Ngày 0", "Ngày 1"]),
        ("1.5", "“1.5” is not a page number; here is the first page.", ["Ngày 0", "Ngày 1"]),
        ("%00", "“\ufffd” is not a page number", ["Ngày 0", "Ngày 1"]),
        ("9" * 5000, f"“{'9' * 40}” is not a page number", ["Ngày 0", "Ngày 1"]),
        ("1" + "0" * 30, f"There is no page 1{'0' * 30};", ["Ngày 4"]),
    ],
)
def test_a_page_that_does_not_exist_gets_a_message_and_a_real_page(
    client, settings, page, message, shown
):
    settings.ARTICLES_PER_PAGE = 2
    for day in range(5):
        ArticleFactory(title_vi=f"Ngày {day}", published_at=timezone.now() - timedelta(days=day))

    response = client.get(f"/en/?page={page}")

    assert listed(response) == shown
    assert len(notices(response)) == 1
    assert notices(response)[0].startswith(message)
    assert "\x00" not in response.text
    assert len(response.content) < 100_000


@pytest.mark.django_db
def test_an_empty_page_parameter_is_the_first_page(client):
    ArticleFactory(title_vi="Bài viết")

    response = client.get("/?page=")

    assert listed(response) == ["Bài viết"]
    assert notices(response) == []


@pytest.mark.django_db
def test_a_repeated_single_valued_filter_uses_the_last_and_its_chip_clears_it(client):
    ArticleFactory(title_vi="Từ Reuters", source=SourceFactory(name="Reuters", slug="reuters"))
    ArticleFactory(title_vi="Từ AP", source=SourceFactory(name="AP", slug="ap"))

    response = client.get("/en/?source=ap&source=reuters&sort=newest&sort=oldest")

    assert listed(response) == ["Từ Reuters"]
    assert chips(response) == {"Source: Reuters": {"sort": ["oldest"]}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query_string",
    [
        "sort=oldest&sort=newest",
        "match=all&match=any",
        "page=2&page=1",
        "date_from=2024-01-01&date_from=2000-01-01",
        "date_to=2000-01-01&date_to=2999-01-01",
        "translated=false&translated=true",
        "entity_type=person&entity_type=place",
        "category=nope&category=quoc-phong",
        "source=nope&source=reuters",
    ],
)
def test_a_repeated_key_takes_its_last_value(client, query_string):
    japan = EntityFactory(kind=Entity.Kind.PLACE)
    TopicArticleFactory(
        title_vi="Bài viết", entities=[japan], source=SourceFactory(name="Reuters", slug="reuters")
    )
    CategoryFactory(slug="quoc-phong", any_entities=[japan])

    response = client.get(f"/?{query_string}")

    assert listed(response) == ["Bài viết"]
    assert notices(response) == []


@pytest.mark.django_db
def test_a_repeated_tag_counts_once(client):
    navy = TagFactory(slug="navy", name_vi="Hải quân", name_en="Navy")
    TopicArticleFactory(title_vi="Hải quân", tags=[navy])

    response = client.get("/en/?tag=navy&tag=navy&match=all")

    assert listed(response) == ["Hải quân"]
    assert list(chips(response)) == ["Tag: Hải quân / Navy"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["categories", "tags", "entities"])
def test_an_unknown_topic_in_the_path_is_not_found(client, kind):
    assert client.get(f"/{kind}/nope/").status_code == 404


# --- Query budgets ---------------------------------------------------------------------------


def _populate(articles: int, tags: int, entities: int) -> None:
    """Published articles, each tagged with every tag and mentioning every entity."""
    all_tags = [
        TagFactory(slug="navy"),
        TagFactory(slug="army"),
        *TagFactory.create_batch(tags - 2),
    ]
    all_entities = [EntityFactory(slug="japan"), *EntityFactory.create_batch(entities - 1)]
    sources = [SourceFactory(slug="reuters"), *SourceFactory.create_batch(articles - 1)]
    for source in sources:
        TopicArticleFactory(source=source, tags=all_tags, entities=all_entities)
    CategoryFactory.create_batch(3, any_tags=all_tags[:1])
    CategoryFactory(slug="quoc-phong", any_tags=all_tags[:1])


# Every list page runs: one facet query (which also counts the articles), then the
# categories, tags, entities and sources it names, how many articles its stories told by
# several sources leave out, the categories in the navigation and the page of articles
# with their sources and stories: eight queries. Before them come:
LIST_PAGES = [
    # nothing more
    ("/", 8),
    # the category, tags, entities and source named in the query string
    ("/?tag=navy&tag=army&entity=japan&source=reuters&category=quoc-phong&match=all", 12),
    # the category
    ("/categories/quoc-phong/", 9),
    # the tag
    ("/tags/navy/", 9),
    # the entity, its aliases, then the facet query for the entities often mentioned
    # with it and those entities
    ("/entities/japan/", 12),
    # the same, the tags named in the query string, the ids of the entities of that type
    ("/entities/japan/?tag=navy&tag=army&entity_type=place&translated=true&sort=oldest", 14),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "budget"), LIST_PAGES)
@pytest.mark.parametrize(("articles", "tags", "entities"), [(1, 2, 2), (30, 15, 15)])
def test_list_pages_query_count_does_not_grow_with_articles_or_facet_values(
    client, django_assert_max_num_queries, url, budget, articles, tags, entities
):
    _populate(articles, tags, entities)

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert len(listed(response)) == (1 if "source=" in url else min(articles, 20))
    assert len(facets(response)["Thẻ"]) == min(tags, 8)
    assert len(facets(response)["Nhân vật, tổ chức và địa danh"]) == min(entities, 8)


def filter_fields(response) -> dict[str, tuple[str | None, bool]]:
    """Each field of the filter form: the value it shows (its selected option, or what its
    input holds) and whether it is marked invalid."""
    form = re.search(r'<form class="filter-form".*?</form>', response.text, re.S).group()
    fields = {}
    for name, attributes, options in re.findall(
        r'<select name="([^"]+)"([^>]*)>(.*?)</select>', form, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = (chosen and unescape(chosen.group(1)), "aria-invalid" in attributes)
    for attributes in re.findall(r'<input type="date"([^>]*)>', form):
        name = re.search(r'name="([^"]+)"', attributes).group(1)
        value = re.search(r'value="([^"]*)"', attributes)
        fields[name] = (value and unescape(value.group(1)), "aria-invalid" in attributes)
    return fields


@pytest.mark.django_db
def test_the_filter_form_shows_what_the_reader_chose(client):
    ArticleFactory(title_vi="Bài viết")

    fields = filter_fields(client.get("/en/?level=2&sort=oldest&date_from=2024-03-10"))

    assert fields["level"] == ("2", False)
    assert fields["sort"] == ("oldest", False)
    assert fields["date_from"] == ("2024-03-10", False)
    assert fields["date_to"] == (None, False)
    assert fields["translated"] == ("", False)  # "either"
    assert filter_fields(client.get("/en/"))["sort"] == (None, False)  # the first: newest


@pytest.mark.django_db
def test_the_filter_form_marks_a_value_it_could_not_use_and_shows_it_as_typed(client):
    ArticleFactory(title_vi="Bài viết")
    typed = '"><script>alert(1)</script>'

    response = client.get("/en/", {"date_to": typed, "level": "9"})

    assert filter_fields(response)["date_to"] == (typed, True)
    assert filter_fields(response)["level"] == (None, True)
    assert "<script>alert(1)" not in response.text
    assert 'aria-describedby="id_' not in response.text  # no field points at nothing
