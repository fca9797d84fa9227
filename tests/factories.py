import factory
from django.utils import timezone

from articles.models import (
    Article,
    Category,
    Entity,
    EntityAlias,
    Mention,
    Paragraph,
    Source,
    Tag,
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Hãng tin {n}")
    slug = factory.Sequence(lambda n: f"hang-tin-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"bai-viet-{n}")
    # Too short to read as one story told twice (articles.stories): a test that wants two
    # articles to tell one story gives them a title and lead of their own.
    title_vi = factory.Sequence(lambda n: f"Bài viết số {n}")
    title_en = factory.Sequence(lambda n: f"Article number {n}")
    # Names no entity: an article mentions what a test gives it, or what its own text names.
    lead_vi = factory.Sequence(lambda n: f"Tin vắn số {n}.")
    lead_en = factory.Sequence(lambda n: f"Brief number {n}.")
    source = factory.SubFactory(SourceFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def paragraphs(article, create, extracted, **kwargs):
        """ArticleFactory(paragraphs=[("vi", "en"), ...]); three pairs by default."""
        if not create:
            return
        pairs = (
            extracted
            if extracted is not None
            else [
                (f"Đoạn văn thứ {i} bằng tiếng Việt.", f"Paragraph {i} in English.")
                for i in (1, 2, 3)
            ]
        )
        Paragraph.objects.bulk_create(
            Paragraph(article=article, position=i, text_vi=vi, text_en=en)
            for i, (vi, en) in enumerate(pairs, start=1)
        )


class DraftArticleFactory(ArticleFactory):
    status = Article.Status.DRAFT
    published_at = None


def _set_many(name: str):
    """A post-generation hook that sets the many-to-many field `name` from the list given."""

    def set_many(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            getattr(obj, name).set(extracted)

    return set_many


def retag(article: Article, *tags: Tag) -> None:
    """Give the article exactly these tags, as an editor would: tag_ids follows."""
    article.tags.set(tags)
    article.refresh_from_db(fields=["tag_ids", "category_ids"])


def mention(article: Article, *entities: Entity, count: int = 1) -> None:
    """Record that the article mentions each entity, as the entity linker would."""
    Mention.objects.bulk_create(
        [Mention(article=article, entity=entity, count=count) for entity in entities],
        update_conflicts=True,
        unique_fields=["article", "entity"],
        update_fields=["count"],
    )
    article.refresh_from_db(fields=["entity_ids", "category_ids"])


class TopicArticleFactory(ArticleFactory):
    """An article with topics: TopicArticleFactory(tags=[tag], entities=[entity])."""

    @factory.post_generation
    def tags(article, create, extracted, **kwargs):
        if create and extracted:
            retag(article, *extracted)

    @factory.post_generation
    def entities(article, create, extracted, **kwargs):
        if create and extracted:
            mention(article, *extracted)


class IndexedArticleFactory(ArticleFactory):
    """An article as every save leaves it: its entities linked from the curated aliases,
    its search text and categories up to date (articles.derived), so search finds it.

    Create the entities, aliases and categories it should pick up first.
    """

    @factory.post_generation
    def indexed(article, create, extracted, **kwargs):
        if create:
            article.refresh_from_db()


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    slug = factory.Sequence(lambda n: f"chu-de-{n}")
    name_vi = factory.Sequence(lambda n: f"Chủ đề {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    slug = factory.Sequence(lambda n: f"thuc-the-{n}")
    kind = Entity.Kind.PLACE
    name_vi = factory.Sequence(lambda n: f"Nơi chốn {n}")
    name_en = factory.Sequence(lambda n: f"Place {n}")


class EntityAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntityAlias

    entity = factory.SubFactory(EntityFactory)
    text = factory.Sequence(lambda n: f"Tên khác {n}")
    language = ""


class CategoryFactory(factory.django.DjangoModelFactory):
    """CategoryFactory(any_tags=[tag], pinned_articles=[article], ...) sets the rule.

    Membership follows at once (articles.derived), as in the application.
    """

    class Meta:
        model = Category
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"chuyen-muc-{n}")
    name_vi = factory.Sequence(lambda n: f"Chuyên mục {n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")
    any_tags = factory.PostGeneration(_set_many("any_tags"))
    any_entities = factory.PostGeneration(_set_many("any_entities"))
    all_tags = factory.PostGeneration(_set_many("all_tags"))
    all_entities = factory.PostGeneration(_set_many("all_entities"))
    exclude_tags = factory.PostGeneration(_set_many("exclude_tags"))
    exclude_entities = factory.PostGeneration(_set_many("exclude_entities"))
    pinned_articles = factory.PostGeneration(_set_many("pinned_articles"))
    excluded_articles = factory.PostGeneration(_set_many("excluded_articles"))
