import math

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import NFCCharField, NFCTextField
from articles.querysets import ArticleQuerySet
from articles.text import count_words

WORDS_PER_MINUTE = 200


class Source(models.Model):
    """The outlet an article was translated from, e.g. Reuters."""

    name = NFCCharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    url = models.URLField(_("site URL"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title_vi = NFCCharField(_("title (Vietnamese)"), max_length=300)
    title_en = NFCCharField(_("title (English)"), max_length=300, blank=True)
    lead_vi = NFCTextField(_("lead (Vietnamese)"))
    lead_en = NFCTextField(_("lead (English)"), blank=True)
    caption_vi = NFCCharField(_("caption (Vietnamese)"), max_length=500, blank=True)
    caption_en = NFCCharField(_("caption (English)"), max_length=500, blank=True)
    credit = NFCCharField(_("photo credit"), max_length=300, blank=True)
    author = NFCCharField(_("byline"), max_length=200, blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        related_name="articles",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Set on import: the title was derived from the lead and awaits an editor."),
    )
    import_ref = models.CharField(
        _("import reference"), max_length=255, unique=True, null=True, blank=True, editable=False
    )
    import_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "-published_at"], name="article_published_idx")]

    def __str__(self) -> str:
        return self.title_vi

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def aligned_blocks(self) -> list[tuple[str, str]]:
        """(Vietnamese, English) pairs: the lead first, then each body paragraph."""
        return [(self.lead_vi, self.lead_en)] + [
            (paragraph.text_vi, paragraph.text_en) for paragraph in self.paragraphs.all()
        ]

    @property
    def has_translation(self) -> bool:
        return bool(self.lead_en)

    @property
    def reading_minutes(self) -> int:
        words = sum(count_words(vietnamese) for vietnamese, _ in self.aligned_blocks())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


class Paragraph(models.Model):
    """One body paragraph after the lead, in Vietnamese and its English translation."""

    article = models.ForeignKey(Article, related_name="paragraphs", on_delete=models.CASCADE)
    position = models.PositiveIntegerField(_("position"))
    text_vi = NFCTextField(_("Vietnamese"))
    text_en = NFCTextField(_("English"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="paragraph_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"¶{self.position}"
