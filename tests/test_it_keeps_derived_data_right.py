"""What an article stores that follows from other rows (its tag, entity and category ids,
its search text, its translation state, its mentions) is always what recomputing it from
scratch gives, whichever way the rows it follows from were written; and only
articles.derived writes it."""

import ast
import contextlib
import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models.functions import Now
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import changes, derived, topics
from articles.derived import relink_entity
from articles.entities.linking import set_entities_by_hand
from articles.models import (
    Article,
    Category,
    CheckDismissal,
    Entity,
    EntityAlias,
    Mention,
    Paragraph,
    Source,
    StoryMember,
    Tag,
    TitleTerm,
)
from ingest.parsing import ParsedText
from ingest.saving import IncomingArticle
from ingest.saving import save as save_incoming

# Texts that name the entities below (and one that names none), by their names or aliases.
TEXTS = [
    ("Nhật Bản và Hoa Kỳ ký thỏa thuận quốc phòng.", "Japan and the United States sign a pact."),
    ("Xứ Phù Tang nâng ngân sách quốc phòng.", "Nippon raises its defence budget."),
    ("Hàn Quốc cử phái đoàn tới Liên Hợp Quốc.", "South Korea sends envoys to the United Nations."),
    ("Xứ Kim Chi và Thái Lan mở đường bay.", "Thailand opens a new route."),
    ("Hãng Reuters đưa tin: Nhật Bản, rồi Nhật Bản.", "Reuters reports on Japan, then Japan."),
    ("Đất nước Chùa Vàng đón khách.", "America welcomes tourists."),
    ("Thời tiết hôm nay đẹp.", ""),
]
# Entity names and aliases: none is a part of another, so each text names the same
# entities whichever of them exist.
ENTITY_NAMES = [
    ("Nhật Bản", "Japan"),
    ("Hoa Kỳ", "United States"),
    ("Hàn Quốc", "South Korea"),
    ("Liên Hợp Quốc", "United Nations"),
    ("Thái Lan", "Thailand"),
]
ALIASES = [
    ("Phù Tang", "vi"),
    ("Nippon", "en"),
    ("Xứ Kim Chi", "vi"),
    ("Reuters", ""),
    ("Đất nước Chùa Vàng", "vi"),
    ("America", "en"),
]
TAG_NAMES = [("Quốc phòng", "Defence"), ("Kinh tế", "Economy"), ("Du lịch", "Tourism")]
SOURCE_NAMES = ["Reuters", "Thông tấn xã"]
# One wire story as two outlets carry it (near-duplicates: one story), and another story.
WIRE = [
    (
        "Triều Tiên phóng tên lửa đạn đạo liên lục địa",
        "Triều Tiên phóng một tên lửa đạn đạo liên lục địa sử dụng nhiên liệu rắn hôm 12/7, "
        "khiến Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp.",
    ),
    (
        "Bình Nhưỡng thử tên lửa nhiên liệu rắn",
        "Triều Tiên hôm 12/7 phóng một tên lửa đạn đạo liên lục địa dùng nhiên liệu rắn, "
        "khiến Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp.",
    ),
    (
        "Khánh thành cầu Rạch Miễu 2",
        "Sáng nay, tỉnh Bến Tre tổ chức lễ khánh thành cầu Rạch Miễu 2 sau hơn bốn năm thi "
        "công, giúp rút ngắn thời gian đi lại giữa hai tỉnh và giảm tải cho cầu cũ.",
    ),
]
DAY_ONE = datetime(2025, 7, 12, 8, tzinfo=UTC)
_numbers = itertools.count()


def _slug(prefix: str) -> str:
    return f"{prefix}-{next(_numbers)}"


def _nth(queryset, n: int):
    objects = list(queryset.order_by("pk"))
    return objects[n % len(objects)] if objects else None


def _some(queryset, bits: int) -> list:
    """The objects whose place (by id) is a bit set in `bits`."""
    return [obj for place, obj in enumerate(queryset.order_by("pk")) if bits >> place & 1]


def _text(n: int) -> tuple[str, str]:
    return TEXTS[n % len(TEXTS)]


def _stored_state() -> tuple[dict, set, dict]:
    """Every article's derived columns, every mention, and every article's story and title
    terms."""
    columns = {
        row[0]: row[1:] for row in Article.objects.values_list("pk", *derived.DERIVED_COLUMNS)
    }
    mentions = set(Mention.objects.values_list("article_id", "entity_id", "count", "by_hand"))
    stories = {
        row[0]: row[1:]
        for row in StoryMember.objects.values_list("article_id", *derived.STORY_COLUMNS)
    }
    stories["title terms"] = set(
        TitleTerm.objects.values_list("article_id", "term", "level", "published_at")
    )
    return columns, mentions, stories


# --- The writes ------------------------------------------------------------------------------
# Each takes three numbers that pick what it writes, and does nothing when there is nothing
# to pick. Names change the way the admin changes them: the entity is saved, then relinked.


def save_article_text(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.title_vi, article.title_en = _text(b)
        article.lead_vi, article.lead_en = _text(c)
        article.caption_vi = _text(b + c)[0] if c % 2 else ""
        article.save()


def save_article_status(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.status = Article.Status.values[b % len(Article.Status.values)]
        article.save(update_fields=["status"])


def save_article_english(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.lead_en = _text(b)[1]
        article.lead_en_changed_at = Now()
        article.save(update_fields=["lead_en", "lead_en_changed_at"])


def save_article_source(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.source = _nth(Source.objects.all(), b) if c % 3 else None
        article.save(update_fields=["source"])


def create_article(a, b, c):
    vietnamese, english = _text(a)
    article = Article.objects.create(
        slug=_slug("bai"),
        title_vi=vietnamese,
        title_en=english,
        lead_vi=_text(b)[0],
        lead_en=_text(b)[1] if c % 2 else "",
        source=_nth(Source.objects.all(), c),
    )
    Paragraph.objects.bulk_create(
        Paragraph(article=article, position=position, text_vi=vi, text_en=en)
        for position, (vi, en) in enumerate([_text(b + c), _text(c)][: c % 3], start=1)
    )


def create_wire_copy(a, b, c):
    """An article telling one of the wire stories, from one of the sources or none, on one
    of five days."""
    title, lead = WIRE[a % len(WIRE)]
    Article.objects.create(
        slug=_slug("bai"),
        title_vi=title,
        lead_vi=lead,
        source=_nth(Source.objects.all(), b) if b % 3 else None,
        published_at=DAY_ONE + timedelta(days=c % 5),
    )


def move_article_in_time(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.published_at = DAY_ONE + timedelta(days=b % 5) if c % 4 else None
        if c % 2:
            article.save(update_fields=["published_at"])
        else:
            Article.objects.filter(pk=article.pk).update(published_at=article.published_at)


def delete_article(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.delete()


def delete_in_bulk(a, b, c):
    """A queryset's delete(): of articles, paragraphs, tags, entities or categories."""
    model = [Article, Paragraph, Tag, Entity, Category][a % 5]
    doomed = [obj.pk for obj in _some(model.objects.all(), b)]
    model.objects.filter(pk__in=doomed).delete()


def update_articles_lead(a, b, c):
    ids = [pk for pk in Article.objects.values_list("pk", flat=True) if pk % 2 == a % 2]
    Article.objects.filter(pk__in=ids).update(lead_vi=_text(b)[0], lead_vi_changed_at=Now())


def update_articles_english(a, b, c):
    Article.objects.filter(pk__gte=a % 7).update(lead_en=_text(b)[1], lead_en_changed_at=Now())


def bulk_update_titles(a, b, c):
    articles = list(Article.objects.order_by("pk")[a % 3 :])
    for offset, article in enumerate(articles):
        article.title_vi, article.title_en = _text(b + offset)
    Article.objects.bulk_update(articles, ["title_vi", "title_en"])


def save_paragraph(a, b, c):
    if paragraph := _nth(Paragraph.objects.all(), a):
        paragraph.text_vi, paragraph.text_en = _text(b)
        paragraph.vi_changed_at = Now()
        paragraph.save()


def add_paragraph(a, b, c):
    if article := _nth(Article.objects.all(), a):
        last = article.paragraphs.order_by("-position").first()
        vietnamese, english = _text(b)
        Paragraph.objects.create(
            article=article,
            position=last.position + 1 if last else 1,
            text_vi=vietnamese,
            text_en=english if c % 2 else "",
        )


def bulk_update_paragraphs(a, b, c):
    paragraphs = _some(Paragraph.objects.all(), a)
    for offset, paragraph in enumerate(paragraphs):
        paragraph.text_vi, paragraph.text_en = _text(b + offset)
        paragraph.vi_changed_at = Now()
    Paragraph.objects.bulk_update(paragraphs, ["text_vi", "text_en", "vi_changed_at"])


def delete_paragraph(a, b, c):
    if paragraph := _nth(Paragraph.objects.all(), a):
        paragraph.delete()


def update_paragraphs(a, b, c):
    if article := _nth(Article.objects.all(), a):
        paragraphs = Paragraph.objects.filter(article=article)
        if c % 2:
            paragraphs.update(text_vi=_text(b)[0], vi_changed_at=Now())
        else:
            paragraphs.update(text_en=_text(b)[1], en_changed_at=Now())


def tag_article(a, b, c):
    article, tag = _nth(Article.objects.all(), a), _nth(Tag.objects.all(), b)
    if article and tag:
        article.tags.add(tag)


def untag_article(a, b, c):
    article, tag = _nth(Article.objects.all(), a), _nth(Tag.objects.all(), b)
    if article and tag:
        article.tags.remove(tag)


def set_article_tags(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.tags.set(_some(Tag.objects.all(), b))


def clear_article_tags(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.tags.clear()


def tag_articles_from_the_tag(a, b, c):
    tag, article = _nth(Tag.objects.all(), a), _nth(Article.objects.all(), b)
    if tag and article:
        tag.articles.add(article)


def untag_articles_from_the_tag(a, b, c):
    tag, article = _nth(Tag.objects.all(), a), _nth(Article.objects.all(), b)
    if tag and article:
        tag.articles.remove(article)


def clear_the_tags_articles(a, b, c):
    if tag := _nth(Tag.objects.all(), a):
        tag.articles.clear()


def create_tag(a, b, c):
    name_vi, name_en = TAG_NAMES[a % len(TAG_NAMES)]
    Tag.objects.create(slug=_slug("the"), name_vi=name_vi, name_en=name_en)


def delete_tag(a, b, c):
    if tag := _nth(Tag.objects.all(), a):
        tag.delete()


RULE_WORDS = [
    ("quốc phòng", "defence"),
    ("Nhật Bản", "Japan"),
    ("quoc phong, thoi tiet", ""),
    ("", ""),
]


def change_tag_rule(a, b, c):
    """An editor changes a tag's rule, then applies it to the stored articles."""
    if tag := _nth(Tag.objects.all(), a):
        tag.words_vi, tag.words_en = RULE_WORDS[b % len(RULE_WORDS)]
        tag.ignore_diacritics, tag.title_and_lead_only = bool(c & 1), bool(c & 2)
        tag.minimum_count = 1 + (c >> 2) % 2
        tag.save()
        derived.apply_tag_rules([tag])


def remove_tag_by_hand(a, b, c):
    article, tag = _nth(Article.objects.all(), a), _nth(Tag.objects.all(), b)
    if article and tag:
        article.removed_tags.add(tag)


def give_removed_tag_back(a, b, c):
    if article := _nth(Article.objects.all(), a):
        article.removed_tags.clear()


def _unused_names() -> list[tuple[str, str]]:
    used = set(Entity.objects.values_list("name_vi", flat=True))
    return [names for names in ENTITY_NAMES if names[0] not in used]


def create_entity(a, b, c):
    if unused := _unused_names():
        name_vi, name_en = unused[a % len(unused)]
        entity = Entity.objects.create(
            slug=_slug("thuc-the"), kind=Entity.Kind.PLACE, name_vi=name_vi, name_en=name_en
        )
        relink_entity(entity)


def rename_entity(a, b, c):
    entity, unused = _nth(Entity.objects.all(), a), _unused_names()
    if entity and unused:
        entity.name_vi, entity.name_en = unused[b % len(unused)]
        entity.save()
        relink_entity(entity)


def delete_entity(a, b, c):
    if entity := _nth(Entity.objects.all(), a):
        entity.delete()


def add_alias(a, b, c):
    used = set(EntityAlias.objects.values_list("text", "language"))
    unused = [alias for alias in ALIASES if alias not in used]
    entity = _nth(Entity.objects.all(), a)
    if entity and unused:
        text, language = unused[b % len(unused)]
        EntityAlias.objects.create(entity=entity, text=text, language=language)
        relink_entity(entity)


def delete_alias(a, b, c):
    if alias := _nth(EntityAlias.objects.select_related("entity"), a):
        alias.delete()
        relink_entity(alias.entity)


def pick_entities_by_hand(a, b, c):
    if article := _nth(Article.objects.all(), a):
        set_entities_by_hand(article, [entity.pk for entity in _some(Entity.objects.all(), b)])


def dismiss_a_flag(a, b, c):
    """An editor says a flag of the desk's checks is no fault."""
    flagged = Article.objects.exclude(translation_checks=[])
    if article := _nth(flagged, a):
        flag = article.translation_checks[b % len(article.translation_checks)]
        CheckDismissal.objects.get_or_create(article=article, kind=flag["kind"], pair=flag["pair"])


def take_back_a_dismissal(a, b, c):
    if dismissal := _nth(CheckDismissal.objects.all(), a):
        dismissal.delete()


def _rule_choices(field: str, bits: int) -> list:
    return _some(Category._meta.get_field(field).related_model.objects.all(), bits)


def create_category(a, b, c):
    """A rule over two of the fields (or one, twice)."""
    category = Category.objects.create(slug=_slug("muc"), name_vi="Mục", name_en="Section")
    fields = Category.RULE_FIELDS
    for field, bits in ((fields[a % len(fields)], b), (fields[a // len(fields) % len(fields)], c)):
        getattr(category, field).add(*_rule_choices(field, bits))


def change_rule(a, b, c):
    if category := _nth(Category.objects.all(), a):
        fields = Category.RULE_FIELDS
        field = fields[b % len(fields)]
        related = getattr(category, field)
        choices = _rule_choices(field, c)
        match b // len(fields) % 4:
            case 0:
                related.add(*choices)
            case 1:
                related.remove(*choices)
            case 2:
                related.set(choices)
            case 3:
                related.clear()


def delete_category(a, b, c):
    if category := _nth(Category.objects.all(), a):
        category.delete()


def import_article(a, b, c):
    """The same few references again and again: later imports update earlier ones."""
    (title_vi, title_en), (lead_vi, lead_en) = _text(a), _text(b)
    paragraphs = [_text(b + c), _text(c)][: c % 3]
    item = IncomingArticle(
        ref=f"tests:{c % 4}",
        vietnamese=ParsedText(
            title=title_vi,
            lead=lead_vi,
            paragraphs=tuple(vi for vi, _en in paragraphs),
            source=SOURCE_NAMES[a % len(SOURCE_NAMES)],
        )
        if a % 4
        else None,
        english=ParsedText(
            title=title_en or "Untitled",
            lead=lead_en or "No English.",
            paragraphs=tuple(en or "No English." for _vi, en in paragraphs),
            source="Reuters",
        )
        if a % 4 == 0 or b % 2
        else None,
        tags=tuple(name for name, _english in TAG_NAMES[: b % 3]),
    )
    list(save_incoming([item]))


class _Refused(Exception):
    pass


def fail_after_a_write(a, b, c):
    """A batch that fails after one of the other writes, as a save does when the database
    refuses an article: the write is rolled back, and what it touched is not refreshed."""
    others = sorted(set(WRITES) - {"fail_after_a_write"})
    with contextlib.suppress(_Refused), transaction.atomic(), changes.batch():
        WRITES[others[a % len(others)]](b, c, a)
        raise _Refused


WRITES = {
    write.__name__: write
    for write in [
        *(save_article_text, save_article_status, save_article_english, save_article_source),
        *(create_article, delete_article, delete_in_bulk, update_articles_lead),
        *(create_wire_copy, move_article_in_time),
        *(update_articles_english, bulk_update_titles, save_paragraph, add_paragraph),
        *(delete_paragraph, update_paragraphs, bulk_update_paragraphs),
        *(tag_article, untag_article, set_article_tags, clear_article_tags),
        *(tag_articles_from_the_tag, untag_articles_from_the_tag, clear_the_tags_articles),
        *(create_tag, delete_tag, create_entity, rename_entity, delete_entity),
        *(change_tag_rule, remove_tag_by_hand, give_removed_tag_back),
        *(add_alias, delete_alias, pick_entities_by_hand, dismiss_a_flag),
        take_back_a_dismissal,
        *(create_category, change_rule, delete_category, import_article, fail_after_a_write),
    ]
}


def _category(slug: str, **rule) -> Category:
    category = Category.objects.create(slug=slug, name_vi=slug, name_en=slug)
    for field, related in rule.items():
        getattr(category, field).set(related)
    return category


@pytest.fixture
def starting_point(db):
    """Two sources, two tags, three articles, three entities with an alias each, and
    categories built on them in several ways: created in the order an editor would."""
    reuters, _news_agency = (
        Source.objects.create(name=name, slug=_slug("nguon")) for name in SOURCE_NAMES
    )
    defence, economy = (
        Tag.objects.create(slug=_slug("the"), name_vi=name_vi, name_en=name_en)
        for name_vi, name_en in TAG_NAMES[:2]
    )
    defence.words_vi, defence.words_en = RULE_WORDS[0]
    defence.save()
    articles = []
    for number, tags in enumerate([[defence], [economy], [defence, economy]]):
        article = Article.objects.create(
            slug=_slug("bai"),
            title_vi=TEXTS[number * 2][0],
            lead_vi=TEXTS[number * 2][0],
            lead_en=TEXTS[number * 2][1],
            source=reuters if number == 2 else None,
        )
        article.tags.set(tags)
        articles.append(article)
    japan, united_states, korea = (
        Entity.objects.create(
            slug=_slug("thuc-the"), kind=Entity.Kind.PLACE, name_vi=name_vi, name_en=name_en
        )
        for name_vi, name_en in ENTITY_NAMES[:3]
    )
    for entity, alias in [(japan, "Phù Tang"), (korea, "Xứ Kim Chi"), (united_states, "America")]:
        EntityAlias.objects.create(entity=entity, text=alias, language=dict(ALIASES)[alias])
        relink_entity(entity)
    _category("either", any_tags=[defence], any_entities=[korea])
    _category("both", any_tags=[economy], all_entities=[japan])
    _category("all-tags", all_tags=[defence], any_entities=[united_states, japan])
    _category(
        "but-not",
        any_entities=[japan, korea],
        exclude_tags=[economy],
        exclude_entities=[united_states],
        pinned_articles=[articles[2]],
        excluded_articles=[articles[0]],
    )
    # Japan and the United States in the first, Korea in the second, Japan in the third
    assert Mention.objects.count() == 4
    assert derived.refresh_all(relink=True) == 0


write = st.tuples(
    st.sampled_from(sorted(WRITES)),
    *(st.integers(min_value=0, max_value=255) for _number in range(3)),
)
# Runs of writes, each run either one at a time or inside `with changes.batch():`.
runs = st.lists(
    st.tuples(st.booleans(), st.lists(write, min_size=1, max_size=4)), min_size=1, max_size=6
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(runs=runs)
def test_after_any_writes_recomputing_everything_changes_nothing(starting_point, runs):
    with transaction.atomic():  # each example starts from the same point, and is undone
        for in_a_batch, writes in runs:
            with changes.batch() if in_a_batch else contextlib.nullcontext():
                for name, a, b, c in writes:
                    WRITES[name](a, b, c)
        stored_columns, stored_mentions, stored_stories = _stored_state()
        kept_pairs, recounted_pairs = topics.kept_and_recounted()
        assert kept_pairs == recounted_pairs

        changed = derived.refresh_all(relink=True)

        recomputed_columns, recomputed_mentions, recomputed_stories = _stored_state()
        assert recomputed_columns == stored_columns
        assert recomputed_mentions == stored_mentions
        assert recomputed_stories == stored_stories
        assert changed == 0
        transaction.set_rollback(True)


# --- One owner -------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("articles", "ingest", "newsreader")
OWNER = ROOT / "articles" / "derived.py"
COLUMNS = frozenset(derived.DERIVED_COLUMNS + derived.STORY_COLUMNS)
READ_CALLS = frozenset({"filter", "exclude", "get", "Q"})
SQL_WRITE = re.compile(
    r"\bUPDATE\s+[\w\".{}]+(?:\s+AS\s+\w+)?\s+SET\b|\bUPDATE\s+SET\b|\bINSERT\s+INTO\b",
    re.IGNORECASE,
)
# the topics' counts (articles.topics) read the derived columns, and write only themselves
SQL_WRITE_ELSEWHERE = re.compile(r"\bINSERT\s+INTO\s+articles_topicpair\b", re.IGNORECASE)
SQL_COLUMN = re.compile(rf"\b(?:{'|'.join(sorted(COLUMNS))})\b")


def _called_name(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def _named_strings(node) -> list[str]:
    """The column names among the string constants of a literal: ["tag_ids", ...]."""
    return [
        inner.value
        for inner in ast.walk(node)
        if isinstance(inner, ast.Constant) and inner.value in COLUMNS
    ]


def _dict_keys(node) -> list[str]:
    if not isinstance(node, ast.Dict):
        return []
    return [
        key.value for key in node.keys if isinstance(key, ast.Constant) and key.value in COLUMNS
    ]


def _sql_text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    return None


def derived_column_writes(source: str) -> list[str]:
    """Where this Python source writes a derived column: an attribute assigned, a keyword
    argument (or **{...}) of anything but a filter, a field list given to save() or
    bulk_update(), defaults of update_or_create(), setattr(), or SQL that updates it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for inner in ast.walk(target):
                    if isinstance(inner, ast.Attribute) and inner.attr in COLUMNS:
                        found.append(f"line {line}: .{inner.attr} =")
        elif isinstance(node, ast.Call):
            name = _called_name(node)
            columns = []
            for keyword in node.keywords:
                if keyword.arg in COLUMNS and name not in READ_CALLS:
                    columns.append(keyword.arg)
                elif keyword.arg is None and name not in READ_CALLS:
                    columns += _dict_keys(keyword.value)
                elif keyword.arg == "update_fields" or (
                    keyword.arg == "fields" and name == "bulk_update"
                ):
                    columns += _named_strings(keyword.value)
                elif keyword.arg in ("defaults", "create_defaults"):
                    columns += _dict_keys(keyword.value)
            if name == "bulk_update" and len(node.args) > 1:
                columns += _named_strings(node.args[1])
            if name == "setattr" and len(node.args) > 1:
                columns += _named_strings(node.args[1])
            found += [f"line {line}: {name}({column}=…)" for column in columns]
        else:
            text = _sql_text(node)
            if (
                text
                and SQL_WRITE.search(text)
                and SQL_COLUMN.search(text)
                and not SQL_WRITE_ELSEWHERE.search(text)
            ):
                found.append(f"line {line}: SQL {text.strip()[:60]!r}")
    return found


def _project_sources() -> list[Path]:
    return sorted(
        path
        for folder in SOURCE_FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


def test_only_the_derived_module_writes_derived_columns():
    writers = {
        str(path.relative_to(ROOT)): writes
        for path in _project_sources()
        if path != OWNER and (writes := derived_column_writes(path.read_text()))
    }

    assert writers == {}
    assert derived_column_writes(
        'cursor.execute(f"UPDATE {table} AS article SET tag_ids = %s WHERE id = %s")'
    ), "the scan sees a write when there is one"


@pytest.mark.parametrize(
    "code",
    [
        "Article.objects.update(category_ids=[])",
        "Article.objects.filter(pk=1).update(**{'tag_ids': []})",
        "article.entity_ids = [1]",
        "article.body_vi += 'more'",
        "article.save(update_fields=['translation'])",
        "Article.objects.bulk_update(articles, ['block_count'])",
        "Article.objects.update_or_create(slug='a', defaults={'entity_names': ''})",
        "Article(slug='a', translated_block_count=0)",
        "setattr(article, 'body_en', '')",
        "cursor.execute('UPDATE articles_article SET tag_ids = %s')",
        "cursor.execute(f'UPDATE {table} SET category_ids = array_remove(category_ids, %s)')",
    ],
)
def test_the_check_sees_a_write_of_a_derived_column(code):
    assert derived_column_writes(code)


@pytest.mark.parametrize(
    "code",
    [
        "Article.objects.filter(tag_ids__overlap=[1], category_ids=[])",
        "Article.objects.values_list('tag_ids', flat=True)",
        "category_ids = list(category_ids)",
        "FACET_ARRAYS = ('category_ids', 'tag_ids', 'entity_ids')",
        "ids = article.entity_ids",
        "cursor.execute('SELECT category_ids FROM articles_article')",
    ],
)
def test_the_check_lets_reads_be(code):
    assert derived_column_writes(code) == []


# --- Deletes from the shell ------------------------------------------------------------------


@pytest.fixture
def japan(db):
    entity = Entity.objects.create(slug="japan", kind="place", name_vi="Nhật Bản", name_en="Japan")
    EntityAlias.objects.create(entity=entity, text="Nippon", language="en")
    return entity


@pytest.fixture
def defence(db):
    return Tag.objects.create(slug="defence", name_vi="Quốc phòng", name_en="Defence")


def _article(lead_vi: str, lead_en: str = "", tags=()) -> Article:
    article = Article.objects.create(slug=_slug("bai"), title_vi=lead_vi, lead_vi=lead_vi)
    article.lead_en = lead_en
    article.save()
    article.tags.set(tags)
    return article


def _members(category: Category) -> set[Article]:
    return set(category.articles)


def test_an_entity_deleted_from_the_shell_leaves_the_categories_built_on_it(japan, defence):
    naming_japan = _article("Nhật Bản nâng ngân sách quốc phòng.")
    defence_only = _article("Thời tiết hôm nay đẹp.", tags=[defence])
    any_japan = Category.objects.create(slug="asia", name_vi="Châu Á", name_en="Asia")
    any_japan.any_entities.set([japan])
    defence_with_japan = Category.objects.create(slug="dj", name_vi="QP Nhật", name_en="JD")
    defence_with_japan.any_tags.set([defence])
    defence_with_japan.all_entities.set([japan])
    assert _members(any_japan) == {naming_japan}
    assert _members(defence_with_japan) == set()

    Entity.objects.get(slug="japan").delete()

    naming_japan.refresh_from_db()
    assert naming_japan.entity_ids == []
    assert "Nippon" not in naming_japan.entity_names
    assert _members(any_japan) == set()
    # what is left of the rule ("any of these tags") selects the article with the tag
    assert _members(defence_with_japan) == {defence_only}
    assert derived.refresh_all(relink=True) == 0


def test_a_tag_deleted_from_the_shell_leaves_the_categories_built_on_it(japan, defence):
    tagged = _article("Thời tiết hôm nay đẹp.", tags=[defence])
    naming_japan = _article("Nhật Bản đón khách.")
    by_tag = Category.objects.create(slug="defence", name_vi="Quốc phòng", name_en="Defence")
    by_tag.any_tags.set([defence])
    japan_with_defence = Category.objects.create(slug="jd", name_vi="Nhật QP", name_en="JD")
    japan_with_defence.any_entities.set([japan])
    japan_with_defence.all_tags.set([defence])
    assert _members(by_tag) == {tagged}
    assert _members(japan_with_defence) == set()

    Tag.objects.get(slug="defence").delete()

    tagged.refresh_from_db()
    assert tagged.tag_ids == []
    assert _members(by_tag) == set()
    assert _members(japan_with_defence) == {naming_japan}
    assert derived.refresh_all(relink=True) == 0


def test_a_category_deleted_from_the_shell_leaves_its_articles(japan):
    naming_japan = _article("Nhật Bản nâng ngân sách.")
    asia = Category.objects.create(slug="asia", name_vi="Châu Á", name_en="Asia")
    asia.any_entities.set([japan])
    kept = Category.objects.create(slug="kept", name_vi="Giữ", name_en="Kept")
    kept.pinned_articles.set([naming_japan])
    naming_japan.refresh_from_db()
    assert naming_japan.category_ids == sorted([asia.pk, kept.pk])

    Category.objects.get(slug="asia").delete()

    naming_japan.refresh_from_db()
    assert naming_japan.category_ids == [kept.pk]
    assert derived.refresh_all(relink=True) == 0


# --- Names that were never committed -----------------------------------------------------------


class _RolledBack(Exception):
    pass


def test_a_name_given_in_a_transaction_that_rolled_back_links_nothing(db):
    article = _article("Xứ Phù Tang nâng ngân sách quốc phòng.")
    with contextlib.suppress(_RolledBack), transaction.atomic():
        fuso = Entity.objects.create(slug="fuso", kind="place", name_vi="Phù Tang", name_en="Fusō")
        relink_entity(fuso)
        assert Mention.objects.filter(article=article).exists()
        raise _RolledBack

    article.lead_en = "Fusō raises its defence budget."
    article.save()

    assert not Mention.objects.filter(article=article).exists()
    assert derived.refresh_all(relink=True) == 0
