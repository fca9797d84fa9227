import factory
from django.utils import timezone

from articles.models import Article, Paragraph, Source


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
    title_vi = factory.Sequence(lambda n: f"Bài viết số {n} về hợp tác quốc phòng")
    title_en = factory.Sequence(lambda n: f"Article number {n} on defence cooperation")
    lead_vi = "Mỹ và Nhật Bản sẽ ký một thỏa thuận hợp tác quốc phòng mới."
    lead_en = "The United States and Japan will sign a new defence cooperation agreement."
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
