import math
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Now
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.fields import NFCCharField, NFCTextField
from articles.querysets import (
    ArticleQuerySet,
    EntityQuerySet,
    MentionQuerySet,
    ParagraphQuerySet,
    TagQuerySet,
)
from articles.search.sql import (
    FOLD_FUNCTION,
    HEAD_VECTOR_SQL,
    PHRASE_VECTOR_SQL,
    SEARCH_VECTOR_SQL,
    WORD_VECTOR_SQL,
)
from articles.text import count_words
from articles.words import headword_key
from newsreader import addresses
from newsreader.reversing import address_of_slug

WORDS_PER_MINUTE = 200
# The most characters a lead or a paragraph may hold, on either side: far beyond any real
# article's, and enforced by forms, importers and the database alike.
TEXT_LIMIT = 100_000
RULE_WORDS_LIMIT = 2_000
CAPPED_TEXT = {"max_length": TEXT_LIMIT, "validators": [MaxLengthValidator(TEXT_LIMIT)]}


def within_text_limit(table: str, field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), TEXT_LIMIT), name=f"{table}_{field}_length"
    )


def folded_text(field: str) -> models.GeneratedField:
    """The field's text folded (articles.text.fold, in SQL), kept by PostgreSQL as it is
    written: what is compared with what a reader typed, with or without diacritics."""
    return models.GeneratedField(
        expression=Func(F(field), function=FOLD_FUNCTION),
        output_field=models.TextField(),
        db_persist=True,
    )


class RevisionSnapshot(models.Model):
    """What a revision keeps besides the object's own fields, so that a revert brings it all
    back: an article's paragraphs, an entity's aliases, a category's rule (articles.history).

    Articles, entities and categories record their revisions explicitly, with
    articles.history.record_revision(), once their related rows are saved too: saving
    the object alone records nothing (skip_history_when_saving on the class).
    """

    related = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def article_statuses():
    """The statuses an article can be in (Article is defined below Source). Migration 0010
    refers to this function by name."""
    return Article.Status.choices


class Source(models.Model):
    """The outlet an article was translated from, e.g. Reuters.

    A source with a feed URL is polled by `manage.py fetch_feeds` (ingest.sources):
    its new items become articles, and the outcome of each fetch is kept here.
    """

    LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]

    name = NFCCharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    url = models.URLField(_("site URL"), blank=True)
    feed_url = models.URLField(
        _("feed URL"),
        max_length=1000,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("RSS or Atom. Empty for a source that has no feed."),
    )
    language = models.CharField(
        _("language of its articles"),
        max_length=2,
        choices=LANGUAGES,
        default="vi",
        db_default="vi",
    )
    default_status = models.CharField(
        _("status of new articles"),
        max_length=20,
        choices=article_statuses,
        default="draft",
        db_default="draft",
    )
    fetch_every = models.PositiveIntegerField(
        _("fetch every (minutes)"), default=30, db_default=30, validators=[MinValueValidator(5)]
    )
    # What the last fetches did: kept by ingest.sources, shown in the admin.
    feed_etag = models.CharField(max_length=500, blank=True, default="", editable=False)
    feed_last_modified = models.CharField(max_length=100, blank=True, default="", editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, default="", editable=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, editable=False)
    last_counts = models.JSONField(
        _("items in the last fetch"), default=dict, blank=True, editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.language == "en" and self.default_status == "published":
            errors["default_status"] = _(
                "Articles from an English source have no Vietnamese yet: they cannot "
                "be published as they arrive."
            )
        if refusal := _feed_url_refusal(self.feed_url):
            errors["feed_url"] = refusal
        if errors:
            raise ValidationError(errors)


def _feed_url_refusal(url: str) -> str | None:
    """Why feeds cannot be fetched from this URL's port or host (newsreader.addresses), if
    they cannot. A host that does not resolve now passes: each fetch checks it again."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None  # a malformed URL: its field says so
    if not parts.hostname:
        return None
    if not addresses.port_allowed(port):
        return _("Feeds can be fetched on ports %(ports)s only.") % {
            "ports": ", ".join(map(str, settings.FEED_ALLOWED_PORTS))
        }
    try:
        allowed = addresses.allowed_addresses(parts.hostname, port)
    except OSError:
        return None
    if not allowed:
        return _("Feeds can be fetched from public addresses only, and this one is not.")
    return None


# From the easiest to the hardest (articles.levels).
READING_LEVELS = [
    (1, _("Level 1: easy")),
    (2, _("Level 2")),
    (3, _("Level 3")),
    (4, _("Level 4")),
    (5, _("Level 5: hard")),
]
LEVEL_LABELS = dict(READING_LEVELS)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    class Translation(models.TextChoices):
        MISSING = "missing", _("Missing")
        PARTIAL = "partial", _("Partial")
        STALE = "stale", _("Stale")
        COMPLETE = "complete", _("Complete")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title_vi = NFCCharField(_("title (Vietnamese)"), max_length=300)
    title_en = NFCCharField(_("title (English)"), max_length=300, blank=True)
    lead_vi = NFCTextField(_("lead (Vietnamese)"), **CAPPED_TEXT)
    lead_en = NFCTextField(_("lead (English)"), blank=True, **CAPPED_TEXT)
    # When each side of the lead last changed: the English is stale when the Vietnamese
    # changed after it (articles.translation).
    lead_vi_changed_at = models.DateTimeField(db_default=Now(), editable=False)
    lead_en_changed_at = models.DateTimeField(db_default=Now(), editable=False)
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
    tags = models.ManyToManyField(
        "Tag", verbose_name=_("tags"), related_name="articles", blank=True
    )
    entities = models.ManyToManyField(
        "Entity", through="Mention", related_name="articles", verbose_name=_("entities")
    )
    # Tags an editor took off: tag rules do not put them back.
    removed_tags = models.ManyToManyField(
        "Tag", verbose_name=_("tags removed by hand"), related_name="+", blank=True
    )
    # The tags whose rule its text meets, found when its text is saved (articles.derived).
    rule_tag_ids = ArrayField(
        models.BigIntegerField(), default=list, db_default=[], blank=True, editable=False
    )
    # What the article belongs to, as id arrays with GIN indexes: filters and facet counts
    # read these instead of joining. Kept up to date by articles.derived.
    tag_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    entity_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    category_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    # The text search reads: paragraphs joined and the names of the mentioned entities,
    # kept up to date by articles.derived, and the vectors PostgreSQL generates from them.
    body_vi = models.TextField(default="", blank=True, editable=False)
    body_en = models.TextField(default="", blank=True, editable=False)
    entity_names = models.TextField(default="", blank=True, editable=False)
    # Its Vietnamese words (articles.words), read when its text is linked: those of the
    # title, the lead and the rest, as written and folded (articles.words.stored_words);
    # kept up to date by articles.derived.
    search_words = models.TextField(default="", db_default="", blank=True, editable=False)
    # How many syllables each of those words has (articles.words.word_lengths), a line for
    # its title, its caption and each block: what its page needs to tell its words apart.
    word_lengths = models.TextField(default="", db_default="", blank=True, editable=False)
    # Its sentences, block by block, and how they pair across the languages
    # (articles.alignment), read when its text is linked; the share of its Vietnamese
    # sentences with a counterpart, in percent (None: nothing translated); and its reading
    # level (articles.levels) from its words and the site's word ranks. Kept up to date by
    # articles.derived.
    sentences = models.JSONField(default=list, db_default=[], blank=True, editable=False)
    alignment_coverage = models.PositiveSmallIntegerField(
        _("sentences aligned (%)"), null=True, blank=True, editable=False
    )
    level = models.PositiveSmallIntegerField(
        _("reading level"), choices=READING_LEVELS, null=True, blank=True, editable=False
    )
    search_vector = models.GeneratedField(
        expression=RawSQL(SEARCH_VECTOR_SQL, ()), output_field=SearchVectorField(), db_persist=True
    )
    head_vector = models.GeneratedField(
        expression=RawSQL(HEAD_VECTOR_SQL, ()), output_field=SearchVectorField(), db_persist=True
    )
    phrase_vector = models.GeneratedField(
        expression=RawSQL(PHRASE_VECTOR_SQL, ()), output_field=SearchVectorField(), db_persist=True
    )
    word_vector = models.GeneratedField(
        expression=RawSQL(WORD_VECTOR_SQL, ()), output_field=SearchVectorField(), db_persist=True
    )
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
    # From feeds and bulk files (ingest.saving): the fingerprint of the text as it came
    # in, which finds the same story under another link, and the categories it came with
    # that name no tag, for an editor to consider.
    content_fingerprint = models.CharField(
        max_length=64, blank=True, default="", db_default="", db_index=True, editable=False
    )
    # What the source last gave, field by field, as digests: a re-import takes the source's
    # new text only where an editor has not changed it since (ingest.saving).
    source_fields = models.JSONField(default=dict, db_default={}, blank=True, editable=False)
    suggested_tags = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("suggested tags"),
        default=list,
        db_default=[],
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # How far the English has come, over the lead and the paragraphs (the "blocks"), kept
    # up to date by articles.derived.
    translation = models.CharField(
        _("translation"),
        max_length=10,
        choices=Translation.choices,
        default=Translation.MISSING,
        db_default=Translation.MISSING,
        editable=False,
    )
    block_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    translated_block_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Raised on every save: a form that was opened on an older version is refused.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    # What the desk's checks saw in its translated pairs (articles.desk.checks), read with
    # its text, and whether any of it is left for an editor to look at (not dismissed,
    # CheckDismissal); kept up to date by articles.derived.
    translation_checks = models.JSONField(default=list, db_default=[], blank=True, editable=False)
    needs_checking = models.BooleanField(
        _("needs checking"), default=False, db_default=False, editable=False
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[RevisionSnapshot],
        excluded_fields=[
            *("rule_tag_ids", "entity_ids", "category_ids", "body_vi", "body_en", "entity_names"),
            *("search_vector", "head_vector", "phrase_vector", "translation", "block_count"),
            *("search_words", "word_vector", "word_lengths"),
            *("sentences", "alignment_coverage", "level"),
            *("translated_block_count", "content_fingerprint", "source_fields"),
            *("translation_checks", "needs_checking"),
        ],
    )
    skip_history_when_saving = True  # see RevisionSnapshot

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_published_idx"),
            models.Index(fields=["source_url"], name="article_source_url_idx"),
            GinIndex(fields=["tag_ids"], name="article_tag_ids_idx"),
            GinIndex(fields=["entity_ids"], name="article_entity_ids_idx"),
            GinIndex(fields=["category_ids"], name="article_category_ids_idx"),
            models.Index(
                fields=["published_at"],
                condition=Q(needs_checking=True),
                name="article_needs_checking_idx",
            ),
            # the desk's board: what is left to translate, oldest published first
            models.Index(
                F("published_at").asc(nulls_last=True),
                "id",
                condition=~Q(translation="complete"),
                name="article_to_translate_idx",
            ),
            GinIndex(fields=["search_vector"], name="article_search_idx"),
            GinIndex(fields=["head_vector"], name="article_head_search_idx"),
            GinIndex(fields=["phrase_vector"], name="article_phrase_search_idx"),
            GinIndex(fields=["word_vector"], name="article_word_search_idx"),
            GinIndex(
                OpClass(Func(F("title_vi"), function=FOLD_FUNCTION), name="gin_trgm_ops"),
                name="article_title_vi_trgm_idx",
            ),
            GinIndex(
                OpClass(Func(F("title_en"), function=FOLD_FUNCTION), name="gin_trgm_ops"),
                name="article_title_en_trgm_idx",
            ),
        ]
        constraints = [within_text_limit("article", field) for field in ("lead_vi", "lead_en")]

    def __str__(self) -> str:
        return self.title_vi

    def get_absolute_url(self) -> str:
        return address_of_slug("articles:detail", self.slug)

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def aligned_blocks(self, paragraphs=None) -> list[tuple[str, str]]:
        """(Vietnamese, English) pairs: the lead first, then each body paragraph (the stored
        ones, or those given)."""
        paragraphs = self.paragraphs.all() if paragraphs is None else paragraphs
        return [(self.lead_vi, self.lead_en)] + [
            (paragraph.text_vi, paragraph.text_en) for paragraph in paragraphs
        ]

    @property
    def has_paragraph_mismatch(self) -> bool:
        """Some paragraphs have English and some do not: the translation does not line up."""
        return 0 < self.translated_block_count < self.block_count

    @property
    def categories(self):
        return Category.objects.filter(pk__in=self.category_ids)

    @property
    def has_translation(self) -> bool:
        return bool(self.lead_en)

    @property
    def level_label(self) -> str:
        """The reading level as readers read it (get_level_display() without looking
        through every choice again, for each card of a list)."""
        return str(LEVEL_LABELS.get(self.level, ""))

    @property
    def reading_minutes(self) -> int:
        words = sum(count_words(vietnamese) for vietnamese, _ in self.aligned_blocks())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


class Paragraph(models.Model):
    """One body paragraph after the lead, in Vietnamese and its English translation."""

    article = models.ForeignKey(Article, related_name="paragraphs", on_delete=models.CASCADE)
    position = models.PositiveIntegerField(_("position"))
    text_vi = NFCTextField(_("Vietnamese"), **CAPPED_TEXT)
    text_en = NFCTextField(_("English"), blank=True, **CAPPED_TEXT)
    vi_changed_at = models.DateTimeField(db_default=Now(), editable=False)
    en_changed_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="paragraph_position_unique"
            ),
            *(within_text_limit("paragraph", field) for field in ("text_vi", "text_en")),
        ]

    def __str__(self) -> str:
        return f"¶{self.position}"


class WordRank(models.Model):
    """The site's most common Vietnamese words, most common first: how many of its latest
    published articles hold each (articles.levels). Refreshed by `manage.py rank_words`."""

    word = models.CharField(max_length=200, primary_key=True)
    rank = models.PositiveIntegerField(unique=True)
    articles = models.PositiveIntegerField()

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.word}"


class Tag(models.Model):
    """A topic, e.g. siêu thanh / hypersonic: put on articles by editors, by the files and
    feeds they come from, and by its rule: the words that give an article the tag
    (articles.tagging)."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_vi = NFCCharField(_("name (Vietnamese)"), max_length=100)
    name_en = NFCCharField(_("name (English)"), max_length=100, blank=True)
    words_vi = NFCCharField(
        _("words (Vietnamese)"),
        max_length=RULE_WORDS_LIMIT,
        blank=True,
        help_text=_(
            "Words and phrases that give an article this tag, separated by commas or "
            "lines, e.g. tên lửa, đạn đạo. Whole words only: “Nhật” does not match inside "
            "“nhật ký”."
        ),
    )
    words_en = NFCCharField(
        _("words (English)"),
        max_length=RULE_WORDS_LIMIT,
        blank=True,
        help_text=_("The same in English, e.g. missile, missiles, ICBM."),
    )
    ignore_diacritics = models.BooleanField(
        _("match without diacritics"),
        default=False,
        help_text=_("Also match the words written without their diacritics (ten lua)."),
    )
    minimum_count = models.PositiveSmallIntegerField(
        _("minimum matches"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many times the words must occur in an article."),
    )
    title_and_lead_only = models.BooleanField(
        _("in the title or lead only"),
        default=False,
        help_text=_("Count the words in the title and lead only, not in the body."),
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return f"{self.name_vi} / {self.name_en}" if self.name_en else self.name_vi

    def get_absolute_url(self) -> str:
        return address_of_slug("articles:tag", self.slug)


class Entity(models.Model):
    """A person, organisation, place or event that articles mention."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")
        PLACE = "place", _("Place")
        EVENT = "event", _("Event")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name_vi = NFCCharField(_("name (Vietnamese)"), max_length=200)
    name_en = NFCCharField(_("name (English)"), max_length=200)
    description_vi = NFCCharField(_("description (Vietnamese)"), max_length=300, blank=True)
    description_en = NFCCharField(_("description (English)"), max_length=300, blank=True)
    # folded once, as written: did-you-mean and the search box compare them with what is typed
    folded_vi = folded_text("name_vi")
    folded_en = folded_text("name_en")

    objects = EntityQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[RevisionSnapshot], excluded_fields=["folded_vi", "folded_en"]
    )
    skip_history_when_saving = True  # see RevisionSnapshot

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        indexes = [
            GinIndex(
                fields=["folded_vi"], opclasses=["gin_trgm_ops"], name="entity_folded_vi_trgm_idx"
            ),
            GinIndex(
                fields=["folded_en"], opclasses=["gin_trgm_ops"], name="entity_folded_en_trgm_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en if self.name_en == self.name_vi else f"{self.name_vi} / {self.name_en}"

    def get_absolute_url(self) -> str:
        return address_of_slug("articles:entity", self.slug)


class Language(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")
    BOTH = "", _("Both languages")


class EntityAlias(models.Model):
    """Another name an entity goes by: Mỹ, Hoa Kỳ, U.S. Matched case- and diacritic-exact."""

    entity = models.ForeignKey(Entity, related_name="aliases", on_delete=models.CASCADE)
    text = NFCCharField(_("alias"), max_length=200)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, blank=True, default=""
    )
    folded = folded_text("text")

    class Meta:
        ordering = ["language", "text"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["text", "language"], name="alias_text_language_unique")
        ]
        indexes = [
            GinIndex(fields=["folded"], opclasses=["gin_trgm_ops"], name="alias_folded_trgm_idx")
        ]

    def __str__(self) -> str:
        return self.text


class Mention(models.Model):
    """How often an article names an entity, found by the entity linker."""

    article = models.ForeignKey(Article, related_name="mentions", on_delete=models.CASCADE)
    entity = models.ForeignKey(Entity, related_name="mentions", on_delete=models.CASCADE)
    count = models.PositiveIntegerField(_("mentions"), default=1)
    by_hand = models.BooleanField(
        _("added by an editor"),
        default=False,
        db_default=False,
        help_text=_("Kept when the article is re-linked, even if its text does not name it."),
    )

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["-count"]
        constraints = [models.UniqueConstraint(fields=["article", "entity"], name="mention_unique")]
        indexes = [models.Index(fields=["entity", "article"], name="mention_entity_idx")]

    def __str__(self) -> str:
        return f"{self.entity} ×{self.count}"


class Category(models.Model):
    """An editor-defined section: articles chosen by a rule over tags and entities.

    An article belongs when it has ANY of the "any" tags or entities, AND ALL of the "all"
    ones (when given), and NONE of the excluded ones; editors may also pin or exclude
    articles by hand. Membership is stored on each article (category_ids) and refreshed in
    bulk by articles.derived.
    """

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_vi = NFCCharField(_("name (Vietnamese)"), max_length=100)
    name_en = NFCCharField(_("name (English)"), max_length=100)
    description_vi = NFCCharField(_("description (Vietnamese)"), max_length=300, blank=True)
    description_en = NFCCharField(_("description (English)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position in navigation"), default=0)
    any_tags = models.ManyToManyField(
        Tag, related_name="+", blank=True, verbose_name=_("any of these tags")
    )
    any_entities = models.ManyToManyField(
        Entity, related_name="+", blank=True, verbose_name=_("any of these entities")
    )
    all_tags = models.ManyToManyField(
        Tag, related_name="+", blank=True, verbose_name=_("and all of these tags")
    )
    all_entities = models.ManyToManyField(
        Entity, related_name="+", blank=True, verbose_name=_("and all of these entities")
    )
    exclude_tags = models.ManyToManyField(
        Tag, related_name="+", blank=True, verbose_name=_("but none of these tags")
    )
    exclude_entities = models.ManyToManyField(
        Entity, related_name="+", blank=True, verbose_name=_("but none of these entities")
    )
    pinned_articles = models.ManyToManyField(
        Article, related_name="+", blank=True, verbose_name=_("always include")
    )
    excluded_articles = models.ManyToManyField(
        Article, related_name="+", blank=True, verbose_name=_("never include")
    )

    history = HistoricalRecords(bases=[RevisionSnapshot])
    skip_history_when_saving = True  # see RevisionSnapshot

    # The many-to-many fields that make up the rule, pins and exclusions included.
    RULE_FIELDS = (
        *("any_tags", "any_entities", "all_tags", "all_entities"),
        *("exclude_tags", "exclude_entities", "pinned_articles", "excluded_articles"),
    )

    class Meta:
        ordering = ["position", "name_vi"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.name_vi} / {self.name_en}"

    def get_absolute_url(self) -> str:
        return address_of_slug("articles:category", self.slug)

    @property
    def articles(self):
        """Its members, as stored by articles.derived."""
        return Article.objects.filter(category_ids__contains=[self.pk])


class EntitySuggestion(models.Model):
    """A name the NER found that no entity or alias covers yet, for editors to judge."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    text = NFCCharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    kind = models.CharField(_("type"), max_length=20, choices=Entity.Kind.choices)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=0)
    article_count = models.PositiveIntegerField(_("articles"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    entity = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entity it became or joined"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurrences"]
        verbose_name = _("entity suggestion")
        verbose_name_plural = _("entity suggestions")
        constraints = [
            models.UniqueConstraint(fields=["text", "language"], name="suggestion_unique")
        ]

    def __str__(self) -> str:
        return self.text


class StoryMember(models.Model):
    """The story an article tells (articles.stories), kept by articles.derived: the id of
    the earliest of it and its near-duplicates from other sources, and what that was found
    from. A table of its own, so that finding stories never rewrites an article's row.

    The database deletes a row with its article (ON DELETE CASCADE, migration 0016), however
    the article is deleted, and whatever was refreshed while it was being deleted."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        related_name="story_member",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
    )
    story_id = models.BigIntegerField()
    story_basis = models.CharField(max_length=32)  # articles.stories.basis_sql()
    # the article's publication time and source, as its story was found from them
    story_time = models.DateTimeField(null=True)
    story_source_id = models.BigIntegerField(null=True)
    # The title and lead as hashed pairs of neighbouring folded words, their MinHash bands,
    # and those as keys of the article's period, through which near-duplicates are found.
    story_pairs = ArrayField(models.IntegerField(), default=list)
    story_bands = ArrayField(models.BigIntegerField(), default=list)
    story_keys = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        indexes = [
            models.Index(fields=["story_id"], name="story_member_story_idx"),
            # the articles that follow another into its story: few, counted by lists
            models.Index(
                fields=["story_id"],
                condition=~Q(story_id=F("article")),
                name="story_member_follower_idx",
            ),
            # read right after each batch writes to it: no pending list to read through
            GinIndex(fields=["story_keys"], name="story_member_keys_idx", fastupdate=False),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.story_id}"


class GlossaryEntry(models.Model):
    """A word and its meanings in the other language, for readers who tap it: a Vietnamese
    word glossed in English, or an English word (its lemma: alliance, not alliances)
    glossed in Vietnamese. The names of entities and tags gloss themselves
    (articles.glossary)."""

    class Direction(models.TextChoices):
        VIETNAMESE = "vi", _("Vietnamese → English")
        ENGLISH = "en", _("English → Vietnamese")

    class PartOfSpeech(models.TextChoices):
        NOUN = "noun", _("noun")
        VERB = "verb", _("verb")
        ADJECTIVE = "adjective", _("adjective")
        ADVERB = "adverb", _("adverb")
        PRONOUN = "pronoun", _("pronoun")
        PREPOSITION = "preposition", _("preposition")
        CONJUNCTION = "conjunction", _("conjunction")
        NUMBER = "number", _("number")
        CLASSIFIER = "classifier", _("classifier")
        PARTICLE = "particle", _("particle")
        PHRASE = "phrase", _("phrase")

    headword = NFCCharField(
        _("headword"),
        max_length=100,
        help_text=_("The word as a dictionary lists it: lowercase, an English word's lemma."),
    )
    language = models.CharField(_("direction"), max_length=2, choices=Direction.choices)
    glosses = NFCCharField(
        _("glosses"), max_length=300, help_text=_("Its meanings, separated by semicolons.")
    )
    part_of_speech = models.CharField(
        _("part of speech"), max_length=12, choices=PartOfSpeech.choices, blank=True
    )
    note = NFCCharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "headword"]
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary")
        constraints = [
            models.UniqueConstraint(
                fields=["headword", "language"], name="glossary_headword_language_unique"
            )
        ]

    def __str__(self) -> str:
        return self.headword

    def save(self, *args, **kwargs):
        self.headword = headword_key(self.headword, self.language)  # as it is looked up
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.headword = headword_key(self.headword, self.language)  # before it is compared
        if not self.headword:
            raise ValidationError({"headword": _("A headword needs a letter.")})


class CheckDismissal(models.Model):
    """An editor's word that a flag of the desk's checks (articles.desk.checks) is no
    fault: it holds for that pair as long as its two texts stay as they were."""

    article = models.ForeignKey(Article, related_name="check_dismissals", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    pair = models.CharField(max_length=16)  # articles.desk.checks.pair_digest
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "kind", "pair"], name="check_dismissal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pair}"


class Assignment(models.Model):
    """An article given to a translator, by a date: the desk's board."""

    article = models.OneToOneField(
        Article, related_name="assignment", on_delete=models.CASCADE, verbose_name=_("article")
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="translation_assignments",
        on_delete=models.CASCADE,
        verbose_name=_("translator"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["translator", "due"], name="assignment_translator_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.translator_id}"


class Correction(models.Model):
    """A change in substance to a published article, as its readers are told at its foot."""

    article = models.ForeignKey(
        Article, related_name="corrections", on_delete=models.CASCADE, verbose_name=_("article")
    )
    made_at = models.DateTimeField(_("date"), default=timezone.now)
    note_vi = NFCTextField(_("correction (Vietnamese)"), max_length=2000)
    note_en = NFCTextField(_("correction (English)"), max_length=2000, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["made_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return self.note_vi


class TitleTerm(models.Model):
    """A term of an article's title with its weight in the article, as a level, and the
    article's publication time (articles.search.sql), kept by articles.derived: through
    the index on (term, level, time), search reads the best articles holding a term in
    their title, latest first, without reading every match. A draft has none.

    The database deletes the rows with their article (ON DELETE CASCADE, migration 0024)."""

    pk = models.CompositePrimaryKey("article", "term")
    article = models.ForeignKey(
        Article, related_name="title_terms", on_delete=models.DO_NOTHING, db_constraint=False
    )
    term = models.TextField()
    level = models.SmallIntegerField()
    published_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["term", "-level", "-published_at"],
                include=["article"],
                name="title_term_ranked_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.term} ({self.level})"


class TopicPair(models.Model):
    """How many published articles hold both of two topics: a source, category, tag or
    entity, or kind ALL, which every published article holds (so (ALL, X) counts X's
    articles, and (ALL, ALL) all of them). A list of one topic, or of every article, reads
    its count and facets here instead of counting its articles.

    Kept by PostgreSQL triggers on the article table (articles.topics), so every write,
    whatever path it takes, changes the counts in its own transaction. An article
    published for a later time is counted already; reading subtracts those."""

    pk = models.CompositePrimaryKey("kind", "value", "other_kind", "other_value")
    kind = models.SmallIntegerField()
    value = models.BigIntegerField()
    other_kind = models.SmallIntegerField()
    other_value = models.BigIntegerField()
    articles = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.kind}:{self.value} & {self.other_kind}:{self.other_value}: {self.articles}"
