import itertools
import json
import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article, Entity
from tests.factories import (
    CategoryFactory,
    DraftArticleFactory,
    EntityAliasFactory,
    EntityFactory,
    IndexedArticleFactory,
    SourceFactory,
    TagFactory,
    TopicArticleFactory,
    retag,
)

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
EMPTY_HINT = "Type a word or a name to search for."
NO_WORDS_HINT = "Your search has no words in it; try a word or a name."
SHORTENED_HINT = "Your search was shortened to its first 200 characters."


_filler_numbers = itertools.count()


def indexed(**fields) -> Article:
    """A published article as the importer leaves it, with filler text that matches none of
    the words searched for below unless the test gives its own."""
    defaults = {
        "title_vi": "Tin vắn",
        "title_en": "",
        "lead_vi": f"Thời tiết {next(_filler_numbers)}.",  # too short to tell one story twice
        "lead_en": "",
        "paragraphs": [],
    }
    return IndexedArticleFactory(**{**defaults, **fields})


def ago(hours: int) -> datetime:
    return timezone.now() - timedelta(hours=hours)


def japan() -> Entity:
    """Japan as the editors curate it: Nhật Bản in Vietnamese text, Japan in English text."""
    entity = EntityFactory(
        slug="japan", kind=Entity.Kind.PLACE, name_vi="Nhật Bản", name_en="Japan"
    )
    EntityAliasFactory(entity=entity, text="Nhật Bản", language="vi")
    EntityAliasFactory(entity=entity, text="Japan", language="en")
    return entity


def in_the_news(entity: Entity) -> Entity:
    """The entity, named in a published article: only such entities are suggested."""
    TopicArticleFactory(entities=[entity])
    return entity


def search(client, q: str | None = None, **params):
    """The search page for the query (None: no q at all) and any filters."""
    if q is not None:
        params = {"q": q, **params}
    response = client.get("/en/search/", params)  # hints in the English interface
    assert response.status_code == 200
    return response


def listed(response) -> list[str]:
    """The Vietnamese titles of the listed articles, in page order."""
    return re.findall(
        r'<h2 class="card-title"><a href="[^"]*" lang="vi">([^<]*)</a>', response.content.decode()
    )


def snippets(response) -> list[str]:
    """Each result's excerpt, as HTML."""
    return re.findall(r'<p class="card-lead snippet" lang="(?:vi|en)">(.*?)</p>', response.text)


def notices(response) -> list[str]:
    return [
        unescape(text)
        for text in re.findall(r'<p class="notice" role="status">([^<]*)</p>', response.text)
    ]


def offered(response) -> dict[str, str]:
    """Did-you-mean: {the corrected query shown: where its link leads}."""
    found = re.search(r'<p class="did-you-mean">(.*?)</p>', response.text, re.S)
    if found is None:
        return {}
    return {
        unescape(text): unescape(href)
        for href, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', found[1])
    }


def facet_counts(response) -> dict[str, dict[str, int]]:
    """{facet title: {value label: count}}."""
    return {
        unescape(title): {
            unescape(label): int(count)
            for label, count in re.findall(
                r'<li><a href="[^"]*"[^>]*>([^<]*)</a> <span class="count">(\d+)</span></li>', body
            )
        }
        for title, body in re.findall(
            r'<section class="facet">\s*<h2>([^<]*)</h2>(.*?)</section>', response.text, re.S
        )
    }


def suggest(client, q: str | None) -> list[dict]:
    response = client.get("/search/suggest/", {} if q is None else {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["results"]


# --- What is searched, and in what order ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "query"),
    [
        pytest.param({"title_vi": "Tên lửa siêu thanh"}, "sieu thanh", id="title_vi"),
        pytest.param({"title_en": "Hypersonic missile"}, "hypersonic", id="title_en"),
        pytest.param({"lead_vi": "Tên lửa siêu thanh được phóng."}, "sieu thanh", id="lead_vi"),
        pytest.param({"lead_en": "A hypersonic missile flew."}, "hypersonic", id="lead_en"),
        pytest.param(
            {"paragraphs": [("Tên lửa siêu thanh bay nhanh.", "")]}, "sieu thanh", id="body_vi"
        ),
        pytest.param(
            {"paragraphs": [("Đoạn văn.", "The hypersonic missile.")]}, "hypersonic", id="body_en"
        ),
        pytest.param({"caption_vi": "Ảnh: tên lửa siêu thanh."}, "sieu thanh", id="caption_vi"),
        pytest.param({"caption_en": "Photo: a hypersonic missile."}, "hypersonic", id="caption_en"),
    ],
)
def test_a_word_is_found_in_any_part_of_an_article_in_either_language(client, fields, query):
    found = indexed(**{"title_vi": "Bài có chữ", **fields})
    indexed(title_vi="Bài không có chữ")

    assert listed(search(client, query)) == [found.title_vi]


@pytest.mark.django_db
def test_only_published_articles_are_found(client):
    indexed(title_vi="Đất hiếm đã đăng")
    DraftArticleFactory(title_vi="Đất hiếm bản nháp")
    indexed(title_vi="Đất hiếm ngày mai", published_at=timezone.now() + timedelta(days=1))

    assert listed(search(client, "đất hiếm")) == ["Đất hiếm đã đăng"]


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_lead_match_above_a_body_match(client):
    # the newest first would be the reverse order: rank, not date, decides
    indexed(title_vi="Ở tiêu đề: đất hiếm", published_at=ago(3))
    indexed(title_vi="Ở phần dẫn", lead_vi="Về đất hiếm.", published_at=ago(2))
    indexed(title_vi="Ở thân bài", paragraphs=[("Nói về đất hiếm.", "")], published_at=ago(1))

    assert listed(search(client, "đất hiếm")) == ["Ở tiêu đề: đất hiếm", "Ở phần dẫn", "Ở thân bài"]


@pytest.mark.django_db
def test_a_quoted_phrase_finds_only_the_words_side_by_side(client):
    indexed(title_vi="Liền nhau", lead_en="Rare earth exports fell.")
    indexed(title_vi="Cách xa", lead_en="The earth is not rare.")

    assert listed(search(client, '"rare earth"')) == ["Liền nhau"]


@pytest.mark.django_db
def test_a_quoted_vietnamese_phrase_is_found_in_the_body_with_or_without_diacritics(client):
    indexed(title_vi="Liền nhau", paragraphs=[("Họ thử tên lửa đạn đạo mới.", "")])
    indexed(title_vi="Cách xa", paragraphs=[("Tên của đạn đạo và lửa trại.", "")])
    indexed(title_vi="Đảo ngược", paragraphs=[("Lửa tên và đạn đạo.", "")])

    for query in ('"tên lửa đạn đạo"', '"ten lua dan dao"', '"TÊN LỬA" đạn', '"ten lua"'):
        assert listed(search(client, query)) == ["Liền nhau"], query


@pytest.mark.django_db
def test_quoted_phrases_with_or_or_a_minus_sign_keep_their_meaning(client):
    indexed(title_vi="Tên lửa", lead_vi="Một vụ thử tên lửa.", published_at=ago(1))
    indexed(title_vi="Tàu ngầm", lead_vi="Một chiếc tàu ngầm.", published_at=ago(2))
    indexed(title_vi="Cả hai", lead_vi="Tên lửa phóng từ tàu ngầm.", published_at=ago(3))

    either = listed(search(client, '"tên lửa" OR "tàu ngầm"'))
    assert sorted(either) == ["Cả hai", "Tàu ngầm", "Tên lửa"]
    assert listed(search(client, 'một -"tên lửa"')) == ["Tàu ngầm"]
    assert listed(search(client, '"tên lửa" -ngầm')) == ["Tên lửa"]
    assert listed(search(client, '"một vụ" "tên lửa"')) == ["Tên lửa"]


@pytest.mark.django_db
def test_or_finds_articles_with_either_word(client):
    indexed(title_vi="Tàu ngầm", published_at=ago(1))
    indexed(title_vi="Máy bay", published_at=ago(2))
    indexed(title_vi="Xe tăng", published_at=ago(3))

    assert sorted(listed(search(client, "tàu OR máy bay"))) == ["Máy bay", "Tàu ngầm"]


@pytest.mark.django_db
def test_a_minus_sign_leaves_out_articles_with_that_word(client):
    indexed(title_vi="Tàu sân bay")
    indexed(title_vi="Tàu ngầm")

    assert listed(search(client, "tàu -ngầm")) == ["Tàu sân bay"]


@pytest.mark.django_db
def test_a_minus_sign_leaves_out_an_article_with_the_word_only_in_its_body(client):
    indexed(title_vi="Tàu sân bay", paragraphs=[("Nó được hộ tống bởi một tàu ngầm.", "")])
    indexed(title_vi="Tàu khu trục")

    assert listed(search(client, "tàu -ngầm")) == ["Tàu khu trục"]


@pytest.mark.django_db
def test_a_minus_sign_leaves_out_the_word_in_either_language(client):
    indexed(
        title_vi="Tàu ngầm Nga",
        lead_vi="Một tàu ngầm của Nga.",
        title_en="Submarine",
        lead_en="A submarine.",
    )
    indexed(title_vi="Tàu ngầm Mỹ", title_en="Submarine", lead_en="An American submarine.")

    assert listed(search(client, "submarine -Nga")) == ["Tàu ngầm Mỹ"]


@pytest.mark.django_db
def test_an_excluded_english_word_leaves_out_its_other_forms_too(client):
    indexed(title_vi="Có hiệp ước", title_en="Sanctions and a treaty")
    indexed(title_vi="Không có hiệp ước", title_en="Sanctions and tariffs")

    assert listed(search(client, "sanctions -treaties")) == ["Không có hiệp ước"]


@pytest.mark.django_db
def test_a_dash_between_two_names_is_not_taken_as_leaving_one_out(client):
    indexed(title_vi="Quan hệ Việt - Nhật")
    indexed(title_vi="Quan hệ Việt - Lào")

    assert listed(search(client, "Việt - Nhật")) == ["Quan hệ Việt - Nhật"]


# --- Vietnamese with or without diacritics -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("nhat ban", "Thủ tướng Nhật Bản thăm Hà Nội"),
        ("dat hiem", "Xuất khẩu đất hiếm tăng"),
        ("dai loan", "Eo biển Đài Loan"),
        ("Đài Loan", "Eo biển Đài Loan"),
        ("DAI LOAN", "Eo biển Đài Loan"),
    ],
)
def test_an_unaccented_query_finds_the_accented_article(client, query, title):
    indexed(title_vi=title)
    indexed(title_vi="Giá vàng")

    assert listed(search(client, query)) == [title]


@pytest.mark.django_db
def test_an_exact_diacritic_match_ranks_above_a_folded_one(client):
    indexed(title_vi="Nhật ký hành trình", published_at=ago(2))
    indexed(title_vi="Nhặt rác trên biển", published_at=ago(1))  # newer: first on a tie

    assert listed(search(client, "Nhật")) == ["Nhật ký hành trình", "Nhặt rác trên biển"]


# --- Vietnamese words ----------------------------------------------------------------------------


def japan_also_called_nhat() -> Entity:
    """Japan, also called by its one-syllable alias Nhật, as the starter entities have it."""
    entity = japan()
    EntityAliasFactory(entity=entity, text="Nhật", language="vi")
    return entity


def interpretation(response) -> str:
    """The line that says how an unaccented query was read, as text."""
    found = re.search(r'<p class="interpretation">(.*?)</p>', response.text, re.S)
    return re.sub(r"<[^>]+>", "", unescape(found[1])) if found else ""


def as_typed_link(response) -> str:
    found = re.search(r'<p class="interpretation">.*?<a href="([^"]*)">', response.text, re.S)
    return unescape(found[1]) if found else ""


@pytest.mark.django_db
def test_an_unaccented_word_finds_articles_holding_it_above_those_with_its_syllables_apart(
    client,
):
    indexed(
        title_vi="Triều Tiên phóng tên lửa",
        lead_vi="Quân đội Hàn Quốc phóng pháo sáng; Hàn Quốc phong tỏa vùng biển.",
        published_at=ago(1),
    )
    indexed(title_vi="Ngân sách", lead_vi="Chi tiêu quốc phòng tăng.", published_at=ago(5))
    indexed(title_vi="Bộ trưởng Quốc phòng Mỹ thăm Hà Nội", published_at=ago(9))

    assert listed(search(client, "quoc phong")) == [
        "Bộ trưởng Quốc phòng Mỹ thăm Hà Nội",
        "Ngân sách",
        "Triều Tiên phóng tên lửa",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["nhật ký", "nhat ky", "Nhật ký"])
def test_a_word_typed_ranks_above_an_entity_named_by_one_of_its_syllables(client, query):
    japan_also_called_nhat()
    # newer, with the word's syllables everywhere, and naming Japan by its alias Nhật
    indexed(
        title_vi="Nhật và Mỹ ký hiệp định",
        lead_vi="Nhật Bản và Mỹ ký thêm thỏa thuận, Nhật cam kết ký tiếp.",
        published_at=ago(1),
    )
    indexed(title_vi="Thủ tướng Nhật thăm Hà Nội, hai bên ký kết", published_at=ago(2))
    indexed(title_vi="Sách mới", lead_vi="Cuốn nhật ký của người lính.", published_at=ago(8))

    assert listed(search(client, query)) == [
        "Sách mới",
        "Nhật và Mỹ ký hiệp định",
        "Thủ tướng Nhật thăm Hà Nội, hai bên ký kết",
    ]


@pytest.mark.django_db
def test_a_daily_newspaper_is_not_taken_for_japan(client):
    japan_also_called_nhat()
    indexed(title_vi="Nhật tăng chi tiêu, báo chí đưa tin", published_at=ago(1))
    indexed(title_vi="Tòa soạn", lead_vi="Một tờ nhật báo ở Hà Nội.", published_at=ago(5))

    assert listed(search(client, "nhật báo"))[0] == "Tòa soạn"


@pytest.mark.django_db
def test_a_whole_alias_finds_the_articles_naming_its_entity_first(client):
    japan_also_called_nhat()
    indexed(title_vi="Cuốn nhật ký", published_at=ago(1))
    indexed(title_vi="Thủ tướng Nhật thăm Hà Nội", published_at=ago(5))

    assert listed(search(client, "Nhật")) == ["Thủ tướng Nhật thăm Hà Nội", "Cuốn nhật ký"]


@pytest.mark.django_db
def test_an_accented_word_ranks_above_a_word_with_the_same_letters_and_other_tones(client):
    # newer, in the title, and said three times: still below
    indexed(
        title_vi="Giá vàng biến động",
        lead_vi="Thị trường biến động mạnh, biến động kéo dài.",
        published_at=ago(1),
    )
    indexed(title_vi="Tuần tra", lead_vi="Tàu cá ra khơi ở Biển Đông.", published_at=ago(9))

    assert listed(search(client, "biển đông")) == ["Tuần tra", "Giá vàng biến động"]


@pytest.mark.django_db
def test_an_unaccented_word_ranks_the_form_the_articles_use_most_first(client):
    for hours in (1, 2, 3):
        indexed(title_vi=f"Giá vàng biến động {hours}", published_at=ago(hours))
    indexed(title_vi="Tuần tra", lead_vi="Tàu cá ra khơi ở Biển Đông.", published_at=ago(0))

    found = listed(search(client, "bien dong", stories="apart"))  # the three tell one story

    assert found[:3] == ["Giá vàng biến động 1", "Giá vàng biến động 2", "Giá vàng biến động 3"]
    assert found[3:] == ["Tuần tra"]


@pytest.mark.django_db
def test_an_unaccented_query_says_how_it_was_read_and_links_to_it_as_typed(client):
    indexed(title_vi="Chi tiêu quốc phòng tăng", published_at=ago(2))
    indexed(title_vi="Quốc phong của làng", published_at=ago(1))
    indexed(title_vi="Hợp tác quốc phòng", published_at=ago(3))

    response = client.get("/search/", {"q": "quoc phong"})

    assert interpretation(response) == "Kết quả cho quốc phòng · Tìm đúng “quoc phong” như đã gõ"
    assert listed(response)[2] == "Quốc phong của làng"
    as_typed = client.get("/search/" + as_typed_link(response))
    assert as_typed_link(response) == "?q=quoc+phong&literal=1"
    assert interpretation(as_typed) == ""
    assert listed(as_typed)[0] == "Quốc phong của làng"  # the newest, no form preferred


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["biển đông", "hòa bình", "Đất hiếm"])
def test_an_accented_query_needs_no_reading(client, query):
    indexed(title_vi="Biển Đông hòa bình, đất hiếm")

    assert interpretation(client.get("/search/", {"q": query})) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["giá vàng", "gia vang"])
def test_syllables_side_by_side_rank_above_the_same_syllables_apart(client, query):
    # giá vàng is in no word list: the pairs of neighbouring words tell
    indexed(title_vi="Lá vàng rơi, giá rét về", published_at=ago(1))
    indexed(title_vi="Thị trường", lead_vi="Giá vàng tăng mạnh.", published_at=ago(5))

    assert listed(search(client, query)) == ["Thị trường", "Lá vàng rơi, giá rét về"]


@pytest.mark.django_db
def test_words_side_by_side_rank_above_the_same_words_apart(client):
    indexed(title_vi="Chi tiêu quốc phòng của bộ ngành", published_at=ago(1))
    indexed(title_vi="Bộ Quốc phòng họp báo", published_at=ago(5))

    assert listed(search(client, "bo quoc phong")) == [
        "Bộ Quốc phòng họp báo",
        "Chi tiêu quốc phòng của bộ ngành",
    ]


@pytest.mark.django_db
def test_every_word_of_the_query_must_be_there(client):
    indexed(title_vi="Tàu ngầm lớp Kilo", published_at=ago(1))
    indexed(title_vi="Nga thử tàu ngầm", published_at=ago(5))

    assert listed(search(client, "tàu ngầm Nga")) == ["Nga thử tàu ngầm"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "written"),
    [("hòa bình", "hoà bình"), ("hoà bình", "hòa bình"), ("Thuỵ Sĩ", "Thụy Sĩ")],
)
def test_tone_marks_on_either_vowel_are_the_same_word(client, query, written):
    indexed(title_vi="Tin vắn", lead_vi=f"Một chuyến đi vì {written}.", published_at=ago(1))
    # newer, and holding both syllables, apart
    indexed(
        title_vi="Hòa giải",
        lead_vi="Hai bên bình tĩnh hòa giải ở Thụy Điển, bác sĩ nói.",
        published_at=ago(0),
    )

    assert listed(search(client, query)) == ["Tin vắn", "Hòa giải"]


# --- English ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_english_plural_finds_the_singular(client):
    indexed(title_vi="Hiệp ước", title_en="A treaty is signed")
    indexed(title_vi="Khác", title_en="Trade talks")

    assert listed(search(client, "treaties")) == ["Hiệp ước"]


# --- Excerpts -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_results_show_an_excerpt_with_the_matched_words_marked(client):
    indexed(
        title_vi="Khoáng sản",
        paragraphs=[("Việt Nam có trữ lượng đất hiếm lớn thứ hai thế giới.", "")],
    )

    assert snippets(search(client, "dat hiem")) == [
        "Việt Nam có trữ lượng <mark>đất</mark> <mark>hiếm</mark> lớn thứ hai thế giới."
    ]


@pytest.mark.django_db
def test_html_in_article_text_is_escaped_in_the_excerpt(client):
    indexed(
        title_vi="Mã độc",
        paragraphs=[('Đất hiếm <script>alert("x")</script> & <b>đậm</b>.', "")],
    )

    (snippet,) = snippets(search(client, "dat hiem"))

    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet


# The search page runs seven queries: how many articles hold each word the query may be
# (reading it); the matches, ranked once, with their stories and topics (for the count,
# the facets and every page); the categories, tags, entities and sources the facets name,
# together;
# the page of articles with their sources and the others telling their stories; their
# bodies, for the excerpts; the entity names like the query, for did-you-mean; and the
# categories in the navigation.
SEARCH_PAGE_QUERIES = 7
# Reading also uses the names of every entity (two queries), read once per process until a
# name changes; in a test that wrote names in its own transaction, for every request.
NAMES_QUERIES = 2


@pytest.mark.django_db
@pytest.mark.parametrize("matches", [1, 30])
def test_the_search_page_query_count_does_not_grow_with_the_matches(
    client, django_assert_max_num_queries, matches, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    navy = TagFactory()
    CategoryFactory(any_entities=[japan()])
    for number in range(matches):
        retag(indexed(title_vi=f"Nhật Bản {number}", published_at=ago(number)), navy)
    indexed(title_vi="Không khớp")

    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES + NAMES_QUERIES):
        response = search(client, "nhat ban")
    # the next reader of the same search: the page's articles by id, and their text for
    # the snippets
    with django_assert_max_num_queries(2):
        again = search(client, "nhat ban")

    assert again.content == response.content

    assert len(snippets(response)) == min(matches, 20)
    assert {"Categories", "Tags", "People, organisations and places", "Sources"} <= set(
        facet_counts(response)
    )


# --- Across languages through entities ---------------------------------------------------------


@pytest.mark.django_db
def test_an_english_name_finds_a_vietnamese_only_article_naming_the_entity(client):
    japan()
    indexed(title_vi="Thủ tướng thăm Nhật Bản")
    indexed(title_vi="Thủ tướng thăm Lào")

    assert listed(search(client, "Japan")) == ["Thủ tướng thăm Nhật Bản"]


@pytest.mark.django_db
def test_a_vietnamese_name_finds_an_english_text_article_naming_the_entity(client):
    japan()
    indexed(title_vi="Tin vắn quốc tế", title_en="The prime minister visits Japan")
    indexed(title_vi="Tin vắn trong nước", title_en="The prime minister visits Laos")

    assert listed(search(client, "Nhật Bản")) == ["Tin vắn quốc tế"]


# --- Did you mean ------------------------------------------------------------------------------


def blinken() -> Entity:
    entity = EntityFactory(
        slug="antony-blinken",
        kind=Entity.Kind.PERSON,
        name_vi="Antony Blinken",
        name_en="Antony Blinken",
    )
    EntityAliasFactory(entity=entity, text="Blinken", language="")
    return entity


@pytest.mark.django_db
def test_a_misspelt_name_gets_a_did_you_mean_link_to_the_right_spelling(client):
    blinken()
    indexed(title_vi="Ngoại trưởng Blinken đến Hà Nội")

    assert offered(search(client, "Blinkin")) == {"Blinken": "?q=Blinken"}


@pytest.mark.django_db
def test_an_unaccented_name_is_offered_with_its_accents(client):
    japan()
    indexed(title_vi="Thủ tướng thăm Nhật Bản")

    assert offered(search(client, "nhat ban")) == {"Nhật Bản": "?q=Nh%E1%BA%ADt%20B%E1%BA%A3n"}


@pytest.mark.django_db
def test_a_renamed_entity_is_offered_under_its_new_name(client):
    entity = EntityFactory(slug="tokayev", kind=Entity.Kind.PERSON, name_vi="Tokayev")
    EntityAliasFactory(entity=entity, text="Tokayev", language="")
    indexed(title_vi="Tổng thống Tokayev thăm Hà Nội")
    entity.name_vi = entity.name_en = "Kassym-Jomart Tokayev"
    entity.save()

    offered_now = offered(search(client, "Kassym-Jomart Tokayew"))

    assert offered_now == {"Kassym-Jomart Tokayev": "?q=Kassym-Jomart%20Tokayev"}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Nhật Bản", "Japan", "Blinken", "japan", "JAPAN", "blinken"])
def test_a_correctly_spelt_query_in_any_letter_case_gets_no_suggestion(client, query):
    japan()
    blinken()
    indexed(title_vi="Ngoại trưởng Blinken thăm Nhật Bản", title_en="Blinken visits Japan")

    response = search(client, query)

    assert listed(response) == ["Ngoại trưởng Blinken thăm Nhật Bản"]
    assert offered(response) == {}


# --- Suggestions as the reader types -------------------------------------------------------------


@pytest.mark.django_db
def test_typing_part_of_a_name_suggests_the_entity_and_matching_categories(client):
    in_the_news(japan())
    EntityFactory(name_vi="Hàn Quốc", name_en="South Korea")
    CategoryFactory(slug="viet-nhat", name_vi="Quan hệ Việt – Nhật", name_en="Vietnam–Japan")
    CategoryFactory(name_vi="Thể thao", name_en="Sport")

    assert suggest(client, "nhat") == [
        {
            "label": "Quan hệ Việt – Nhật / Vietnam–Japan",
            "kind_label": "Chuyên mục",  # in the Vietnamese interface
            "url": "/categories/viet-nhat/",
        },
        {"label": "Nhật Bản / Japan", "kind_label": "Địa danh", "url": "/entities/japan/"},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [None, "", " ", "n", "!!!", "qzxqzxqzx"])
def test_a_query_too_short_or_matching_nothing_suggests_nothing(client, query):
    japan()
    CategoryFactory(name_vi="Nhật Bản", name_en="Japan")

    assert suggest(client, query) == []


@pytest.mark.django_db
def test_a_close_misspelling_of_an_alias_is_suggested(client):
    pentagon = EntityFactory(
        slug="pentagon",
        kind=Entity.Kind.ORGANISATION,
        name_vi="Bộ Quốc phòng Mỹ",
        name_en="US Department of Defense",
    )
    in_the_news(pentagon)
    EntityAliasFactory(entity=pentagon, text="Lầu Năm Góc", language="vi")

    assert [result["url"] for result in suggest(client, "lau nam gok")] == ["/entities/pentagon/"]


def zelensky() -> Entity:
    return EntityFactory(
        slug="zelensky",
        kind=Entity.Kind.PERSON,
        name_vi="Volodymyr Zelensky",
        name_en="Volodymyr Zelensky",
    )


@pytest.mark.django_db
def test_a_close_misspelling_of_a_name_is_suggested(client):
    in_the_news(zelensky())

    assert [result["url"] for result in suggest(client, "Zelenski")] == ["/entities/zelensky/"]


@pytest.mark.django_db
def test_a_name_known_only_from_drafts_or_scheduled_articles_is_never_offered(client):
    entity = zelensky()
    TopicArticleFactory(entities=[entity], status=Article.Status.DRAFT, published_at=None)
    TopicArticleFactory(entities=[entity], published_at=timezone.now() + timedelta(days=1))
    indexed(title_vi="Tin thế giới")

    assert suggest(client, "Zelenski") == []
    assert offered(search(client, "Zelenski")) == {}

    in_the_news(entity)
    assert [result["url"] for result in suggest(client, "Zelenski")] == ["/entities/zelensky/"]


# --- Search and filters together ---------------------------------------------------------------


@pytest.fixture
def two_matches_and_a_lookalike():
    """Two articles matching "đất hiếm" that differ in every filter, and one that matches
    the filters of the first but not the words."""
    navy = TagFactory(slug="navy")
    entity = japan()
    CategoryFactory(slug="quoc-phong", any_tags=[navy])
    reuters = SourceFactory(name="Reuters", slug="reuters")
    ap = SourceFactory(name="AP", slug="ap")
    published = datetime(2024, 3, 10, 9, tzinfo=SAIGON)
    chosen = indexed(
        title_vi="Đất hiếm ở Nhật Bản",
        title_en="Rare earths in Japan",
        lead_en="Japan mines rare earths.",
        source=reuters,
        published_at=published,
    )
    other = indexed(
        title_vi="Đất hiếm ở Lào", source=ap, published_at=datetime(2024, 1, 1, tzinfo=SAIGON)
    )
    lookalike = indexed(
        title_vi="Thời tiết ở Nhật Bản",
        title_en="Weather in Japan",
        lead_en="Japan is cool.",
        source=reuters,
        published_at=published,
    )
    for article in (chosen, lookalike):
        retag(article, navy)
    assert set(entity.articles.all()) == {chosen, lookalike}
    return chosen, other


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [
        {"tag": "navy"},
        {"entity": "japan"},
        {"category": "quoc-phong"},
        {"date_from": "2024-03-01"},
        {"source": "reuters"},
        {"translated": "true"},
    ],
    ids=lambda filters: next(iter(filters)),
)
def test_filters_narrow_the_search_results(client, two_matches_and_a_lookalike, filters):
    assert sorted(listed(search(client, "đất hiếm"))) == ["Đất hiếm ở Lào", "Đất hiếm ở Nhật Bản"]
    assert listed(search(client, "đất hiếm", **filters)) == ["Đất hiếm ở Nhật Bản"]


@pytest.mark.django_db
def test_sort_newest_lists_the_matches_by_date_instead_of_relevance(client):
    indexed(title_vi="Đất hiếm trong tiêu đề", published_at=ago(2))
    indexed(title_vi="Trong thân bài", paragraphs=[("Đất hiếm.", "")], published_at=ago(1))

    assert listed(search(client, "đất hiếm")) == ["Đất hiếm trong tiêu đề", "Trong thân bài"]
    assert listed(search(client, "đất hiếm", sort="newest")) == [
        "Trong thân bài",
        "Đất hiếm trong tiêu đề",
    ]


@pytest.mark.django_db
def test_facets_count_only_the_articles_matching_the_search(client):
    navy = TagFactory(slug="navy", name_vi="Hải quân", name_en="Navy")
    army = TagFactory(slug="army", name_vi="Lục quân", name_en="Army")
    for title, tag in (("Tàu ngầm", navy), ("Tàu sân bay", navy), ("Xe tăng", army)):
        retag(indexed(title_vi=title), tag)

    assert facet_counts(search(client, "tàu"))["Tags"] == {"Hải quân / Navy": 2}


@pytest.mark.django_db
def test_applying_the_filter_form_keeps_the_search(client):
    indexed(title_vi="Đất hiếm")

    response = search(client, "đất hiếm")

    form = re.search(r'<form class="filter-form".*?</form>', response.text, re.S)[0]
    assert '<input type="hidden" name="q" value="đất hiếm">' in form


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "hint"),
    [
        (None, EMPTY_HINT),
        ("", EMPTY_HINT),
        ("   ", EMPTY_HINT),
        ("!!!", NO_WORDS_HINT),
        ("&", NO_WORDS_HINT),
        ("|", NO_WORDS_HINT),
        ("!", NO_WORDS_HINT),
        ("(", NO_WORDS_HINT),
        (")", NO_WORDS_HINT),
        (":", NO_WORDS_HINT),
        ("*", NO_WORDS_HINT),
        ("'", NO_WORDS_HINT),
        ("& | ! ( ) : * '", NO_WORDS_HINT),
        ('"', NO_WORDS_HINT),
        ("-", NO_WORDS_HINT),
        ("OR", NO_WORDS_HINT),
        ("\x00", NO_WORDS_HINT),  # the middleware makes each NUL a U+FFFD
        ("😀🇻🇳", NO_WORDS_HINT),
        ("\u200f", EMPTY_HINT),
        ("\u0301", EMPTY_HINT),
    ],
    ids=repr,
)
def test_a_query_without_words_gets_a_calm_hint(client, query, hint):
    indexed(title_vi="Nhật Bản")

    response = search(client, query)

    assert notices(response) == [hint]
    assert listed(response) == []
    assert "\x00" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "nhat & ban",
        "nhat | ban",
        "(nhat",
        "nhat)",
        "ban:*",
        "nhat:A",
        "!!nhat",
        "nhat <-> ban",
        "'nhat' & !ban",
        '"nhat ban',
        "nhat ban\"'",
        "nhat -",
        "nhat - ban",
        "nhat OR",
        "OR nhat",
        "nhat 😀",
        "\u200fnhat\u200f",
        "\u0301nhat",
        "nhat\x00",
        "nhat\\",
    ],
    ids=repr,
)
def test_operators_and_odd_characters_around_a_word_still_search_for_it(client, query):
    indexed(title_vi="Nhật Bản")

    response = search(client, query)

    assert listed(response) == ["Nhật Bản"]
    assert notices(response) == []
    assert "\x00" not in response.text


@pytest.mark.django_db
def test_a_nul_byte_between_words_gives_a_page_without_it(client):
    indexed(title_vi="Nhật Bản")

    response = client.get("/search/?q=nhat%00ban&page=%00")

    assert response.status_code == 200
    assert "\x00" not in response.text


@pytest.mark.django_db
def test_a_very_long_query_is_shortened_with_a_hint(client):
    indexed(title_vi="Nhật Bản")

    response = search(client, "nhat " * 2000)

    assert notices(response) == [SHORTENED_HINT]
    assert listed(response) == ["Nhật Bản"]
    (value,) = re.findall(
        r'<input id="search-q-page" type="search" name="q" value="([^"]*)"', response.text
    )
    assert len(value) <= 200


@pytest.mark.django_db
def test_with_the_q_key_repeated_the_last_one_is_searched(client):
    indexed(title_vi="Nhật Bản")

    assert listed(client.get("/search/?q=&q=nhat")) == ["Nhật Bản"]
    assert notices(client.get("/en/search/?q=nhat&q=")) == [EMPTY_HINT]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["&", "a & b", "& | ! ( ) : * '", '"', "-", "\x00", "😀", "\u200f", "\u0301"],
    ids=repr,
)
def test_suggestions_for_a_query_without_words_are_empty(client, query):
    japan()

    assert suggest(client, query) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["(nhat", "ban:*", "!!nhat", "nhat\x00ban", "\u200fnhat", "nhat " * 2000],
    ids=lambda query: repr(query[:20]),
)
def test_suggestions_see_the_words_among_operators_and_odd_characters(client, query):
    in_the_news(japan())

    assert [result["label"] for result in suggest(client, query)] == ["Nhật Bản / Japan"]


@pytest.mark.django_db
def test_suggestions_with_the_q_key_repeated_use_the_last_one(client):
    in_the_news(japan())
    response = client.get("/search/suggest/?q=&q=nhat")

    assert [result["label"] for result in json.loads(response.content)["results"]] == [
        "Nhật Bản / Japan"
    ]
