import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, DraftArticleFactory


def visible_blocks(html: str) -> list[tuple[str, str]]:
    """(lang, text) of each paragraph of article text, in page order."""
    return re.findall(r'<p class="text[^"]*" lang="(vi|en)">([^<]*)</p>', html)


@pytest.mark.django_db
def test_home_lists_the_latest_published_articles_with_lead_date_and_source(client):
    older = ArticleFactory(published_at=timezone.now() - timedelta(days=1), title_vi="Tin hôm qua")
    newer = ArticleFactory(title_vi="Tin hôm nay")
    DraftArticleFactory(title_vi="Bản nháp bí mật")

    html = client.get("/").content.decode()

    assert html.index(newer.title_vi) < html.index(older.title_vi)
    assert "Bản nháp bí mật" not in html
    assert newer.source.name in html
    assert newer.lead_vi in html


@pytest.mark.django_db
def test_home_is_paginated_and_a_page_past_the_end_shows_the_last(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for day in range(5):
        ArticleFactory(published_at=timezone.now() - timedelta(days=day), title_vi=f"Ngày {day}")

    assert "Ngày 4" in client.get("/?page=3").content.decode()
    assert client.get("/?page=999").status_code == 200
    assert client.get("/?page=abc").status_code == 200


@pytest.mark.django_db
def test_a_scheduled_article_stays_hidden_until_its_time(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))

    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_draft_answers_404_to_the_public_and_opens_for_staff(client, admin_client):
    draft = DraftArticleFactory()

    assert client.get(draft.get_absolute_url()).status_code == 404
    preview = admin_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Xem trước bản nháp" in preview.content.decode()


@pytest.mark.django_db
def test_parallel_mode_puts_each_vietnamese_paragraph_level_with_its_english(client):
    article = ArticleFactory()

    html = client.get(article.get_absolute_url() + "?view=parallel").content.decode()

    pairs = re.findall(
        r'<div class="pair[^"]*">\s*<p class="text vi" lang="vi">([^<]*)</p>\s*'
        r'<p class="text en" lang="en">([^<]*)</p>',
        html,
    )
    assert pairs == article.aligned_blocks()


@pytest.mark.django_db
def test_interleaved_mode_alternates_the_languages(client):
    article = ArticleFactory()

    html = client.get(article.get_absolute_url() + "?view=interleaved").content.decode()

    assert [lang for lang, _ in visible_blocks(html)] == ["vi", "en"] * 4
    assert 'class="article mode-interleaved' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_single_language_mode_shows_only_that_language(client, language):
    article = ArticleFactory()

    html = client.get(article.get_absolute_url() + f"?view={language}").content.decode()

    blocks = visible_blocks(html)
    assert len(blocks) == 4
    assert {lang for lang, _ in blocks} == {language}


@pytest.mark.django_db
def test_the_chosen_mode_is_remembered(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url() + "?view=en")

    html = client.get(article.get_absolute_url()).content.decode()

    assert {lang for lang, _ in visible_blocks(html)} == {"en"}


@pytest.mark.django_db
def test_an_unknown_mode_falls_back_to_side_by_side(client):
    article = ArticleFactory()

    response = client.get(article.get_absolute_url() + "?view=%00<script>")

    assert response.status_code == 200
    assert 'class="article mode-parallel' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["parallel", "interleaved", "en"])
def test_an_untranslated_article_shows_the_original_with_a_notice(client, mode):
    article = ArticleFactory(title_en="", lead_en="", paragraphs=[("Chỉ có tiếng Việt.", "")])

    html = client.get(article.get_absolute_url() + f"?view={mode}").content.decode()

    assert "chưa có bản dịch tiếng Anh" in html
    assert visible_blocks(html) == [("vi", article.lead_vi), ("vi", "Chỉ có tiếng Việt.")]


@pytest.mark.django_db
def test_the_article_shows_figure_byline_source_link_date_and_reading_time(client):
    article = ArticleFactory(
        caption_vi="Hợp tác Mỹ – Nhật",
        credit="White House Photo",
        author="Minh Ngọc",
        source_url="https://example.com/original",
        paragraphs=[("chữ " * 450, "word " * 450)],
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<figcaption>" in html
    assert "Hợp tác Mỹ – Nhật" in html
    assert "White House Photo" in html
    assert "Minh Ngọc" in html
    assert (
        f'<a href="https://example.com/original" rel="noopener">{article.source.name}</a>' in html
    )
    assert "3 phút đọc" in html
    assert (
        timezone.localtime(article.published_at).strftime('datetime="%Y-%m-%dT%H:%M:%S%z"') in html
    )


@pytest.mark.django_db
def test_article_page_query_count_does_not_grow_with_paragraphs(
    client, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    short = ArticleFactory(paragraphs=[("Một.", "One.")])
    long = ArticleFactory(paragraphs=[(f"Đoạn {i}.", f"Paragraph {i}.") for i in range(60)])

    for article in (short, long):
        # the article's version; then, to render it, the article with its source, its
        # paragraphs, its tags, its corrections, its mentions with their entities; the
        # navigation
        with django_assert_max_num_queries(7):
            first = client.get(article.get_absolute_url())
        # the next reader: the article's version only, the rest is kept until it changes
        with django_assert_max_num_queries(1):
            again = client.get(article.get_absolute_url())
        assert again.content == first.content


@pytest.mark.django_db
def test_an_article_retitled_outside_the_admin_shows_its_new_title_on_the_list_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(title_vi="Tiêu đề cũ")
    assert "Tiêu đề cũ" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        article.title_vi = "Tiêu đề mới"
        article.save()

    home = client.get("/").content.decode()
    assert "Tiêu đề mới" in home
    assert "Tiêu đề cũ" not in home


@pytest.mark.django_db
def test_an_edited_article_reads_anew_although_its_page_was_rendered_before(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(paragraphs=[("Bản cũ.", "The old text.")])
    assert "The old text." in client.get(article.get_absolute_url()).content.decode()

    paragraph = article.paragraphs.get()
    paragraph.text_en = "The new text."
    paragraph.save()
    article.save()  # as the admin does after its inlines

    assert "The new text." in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_articles(
    client, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every request reaches the view
    ArticleFactory.create_batch(25)

    # the facet counts, the topics of the four facets (categories, tags, entities,
    # sources) together, how many articles the stories told more than once leave out, the
    # page of articles with their sources and stories, the navigation
    with django_assert_max_num_queries(5):
        first = client.get("/")
    # the next reader: the page of articles only; the facets are kept until content changes
    with django_assert_max_num_queries(1):
        again = client.get("/")
    assert again.content == first.content
