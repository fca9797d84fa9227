"""A reading level for each article, from the site's own word ranks: a badge, and a list
filter."""

import re

import pytest

from articles.derived import refresh_levels
from articles.levels import rank_words
from articles.models import Article, WordRank
from tests.factories import ArticleFactory
from tests.test_it_filters_lists import listed, notices

# Short sentences of words every article here uses: easy once the site's words are ranked.
# (Two articles with this text tell one story: the lists here keep them apart.)
EASY = "Hôm nay trời đẹp. Mọi người đi chơi. Trẻ em đi học. Bố mẹ đi làm. Tối về ăn cơm."
# One long sentence of words no other article uses.
HARD = (
    "Phép biện chứng duy vật lịch sử khẳng định rằng phương thức sản xuất quyết định kiến "
    "trúc thượng tầng chính trị pháp quyền, đồng thời ý thức hệ tác động ngược trở lại cơ "
    "sở hạ tầng kinh tế thông qua những thiết chế trung gian phức hợp."
)


def easy_article(title: str) -> Article:
    return ArticleFactory(title_vi=title, lead_vi=EASY, paragraphs=[(EASY, "")])


@pytest.fixture
def ranked(db) -> dict[str, Article]:
    """Two easy articles, whose words the site then ranks; a hard one saved after."""
    easy = [easy_article("Dễ một"), easy_article("Dễ hai")]
    rank_words()
    refresh_levels()
    hard = ArticleFactory(title_vi="Khó", lead_vi=HARD, paragraphs=[(HARD, "")])
    return {"easy": easy[0], "hard": hard}


def level_of(article: Article) -> int | None:
    return Article.objects.get(pk=article.pk).level


def test_ranks_count_the_articles_holding_each_word_and_no_numbers(ranked):
    ranks = dict(WordRank.objects.values_list("word", "articles"))

    assert ranks["trời"] == 2 and ranks["trẻ_em"] == 2  # a word of two syllables, once each
    assert "phép" not in ranks  # the hard article came after
    assert not [word for word in ranks if re.search(r"\d", word)]  # nor "1" of the factory


def test_common_words_in_short_sentences_read_easier_than_rare_words_in_long_ones(ranked):
    assert level_of(ranked["easy"]) == 1
    assert level_of(ranked["hard"]) == 5
    assert refresh_levels() == 0, "saving gave the hard article the level ranking gives"


def test_levels_follow_the_ranks_when_they_are_refreshed(ranked):
    WordRank.objects.all().delete()

    assert refresh_levels() == 3
    assert level_of(ranked["easy"]) is None  # a site whose words are not ranked: no level

    rank_words()
    refresh_levels()
    assert level_of(ranked["easy"]) == 1
    assert level_of(ranked["hard"]) < 5  # its words are the site's words now


@pytest.mark.django_db
def test_a_short_article_has_no_level():
    ArticleFactory(lead_vi=EASY, paragraphs=[])
    rank_words()
    refresh_levels()

    assert Article.objects.get().level is None


def test_the_level_shows_on_cards_and_on_the_article(client, ranked):
    card = client.get("/?stories=apart").content.decode()
    page = client.get(ranked["hard"].get_absolute_url()).content.decode()

    assert card.count('<span class="badge level">Cấp độ 1: dễ</span>') == 2
    assert '<span class="badge level">Cấp độ 5: khó</span>' in page


# The list page's eight queries (test_it_filters_lists.LIST_PAGES): the level needs none
# of its own.
def test_readers_filter_the_list_by_level(client, ranked, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/?level=5")

    assert listed(response) == ["Khó"]
    assert listed(client.get("/en/?level=1&stories=apart")) == ["Dễ hai", "Dễ một"]


@pytest.mark.parametrize("value", ["0", "6", "01", "1.0", "abc", "-1", "\x00", "1" * 400])
def test_a_level_that_is_none_gets_a_message_as_other_filters_do(client, ranked, value):
    response = client.get("/en/", {"level": value})

    assert listed(response) == []
    assert notices(response)[0].startswith("Reading level: “")
