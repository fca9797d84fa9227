import pytest
from django.core.management import call_command
from django.db import connection

from articles import derived
from articles.models import Article, Category, Mention, Paragraph, StoryMember, Tag, TitleTerm
from articles.search.sql import TEXT_INDEXES


@pytest.mark.django_db
def test_generate_corpus_adds_published_bilingual_articles_with_entities_and_tags(capsys):
    tags = [
        Tag.objects.create(slug=f"synthetic-{n}", name_vi=f"chủ đề {n}", name_en=f"topic {n}")
        for n in range(20)
    ]
    category = Category.objects.create(slug="topic", name_vi="Chủ đề", name_en="Topic")
    category.any_tags.add(*tags)  # a third of the 60 synthetic tags: most articles

    call_command("generate_corpus", "--articles", "120", "--batch", "50")

    assert Article.objects.published().count() == 120
    assert Paragraph.objects.count() >= 120 * 4
    assert Mention.objects.values("article").distinct().count() > 60
    assert Article.objects.translated().count() > 60
    members = set(Article.objects.in_category(category).values_list("pk", flat=True))
    assert members == set(Article.objects.selected_by(category).values_list("pk", flat=True))
    first = Article.objects.order_by("pk").values_list("pk", flat=True)[0]
    batches = {(pk - first) // 50 for pk in members}
    assert len(members) > 60 and len(batches) == 3
    assert "Added 120 articles" in capsys.readouterr().out


@pytest.mark.django_db
def test_generate_corpus_can_run_twice():
    call_command("generate_corpus", "--articles", "10")
    call_command("generate_corpus", "--articles", "10")

    assert Article.objects.count() == 20
    assert Article.objects.create(slug="after", title_vi="Sau", lead_vi="Sau.").pk > 0


@pytest.mark.django_db
def test_generated_articles_are_written_in_the_order_they_were_published():
    call_command("generate_corpus", "--articles", "60", "--batch", "25")

    dates = list(Article.objects.order_by("pk").values_list("published_at", flat=True))
    assert dates == sorted(dates)
    assert (dates[-1] - dates[0]).days > 365


@pytest.mark.django_db
def test_a_second_corpus_is_published_after_the_first():
    call_command("generate_corpus", "--articles", "30")
    first = list(Article.objects.values_list("published_at", flat=True))
    call_command("generate_corpus", "--articles", "30", "--seed", "2")

    later = Article.objects.exclude(published_at__in=first)
    assert later.count() == 30
    assert min(later.values_list("published_at", flat=True)) >= max(first)


@pytest.mark.django_db
def test_generated_articles_are_written_with_their_derived_data_right():
    call_command("generate_corpus", "--articles", "40", "--batch", "15")

    assert derived.refresh_all() == 0


@pytest.mark.django_db(transaction=True)
def test_batches_written_side_by_side_make_a_whole_corpus_in_order():
    call_command("generate_corpus", "--articles", "60", "--batch", "20", "--workers", "2")

    dates = list(Article.objects.order_by("pk").values_list("published_at", flat=True))
    assert len(dates) == 60 and dates == sorted(dates)
    assert Paragraph.objects.values("article").distinct().count() == 60
    assert TitleTerm.objects.values("article").distinct().count() == 60
    assert StoryMember.objects.count() == 60
    assert derived.refresh_all() == 0
    assert Article.objects.create(slug="after", title_vi="Sau", lead_vi="Sau.").pk > 0


@pytest.mark.django_db
def test_a_fill_resumed_while_its_text_indexes_are_dropped_still_loads_the_demo():
    with connection.cursor() as cursor:  # as an interrupted bulk load leaves them
        for index in TEXT_INDEXES:
            cursor.execute(f'DROP INDEX "{index}"')

    call_command("load_demo", verbosity=0)

    assert Article.objects.published().count() > 5
