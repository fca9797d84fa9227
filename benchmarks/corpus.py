"""Synthetic bilingual articles in bulk, for benchmarks and load tests.

Text is sampled from the words of the demo articles (so word frequencies look like
news), with entity names woven in; rows go to PostgreSQL with COPY.
Articles are written in the order they were published, as a news site's table fills, so
that ids and dates rise together.
"""

import multiprocessing
import random
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from articles import changes, derived
from articles.models import Article, Entity, Mention, Paragraph, Source, Tag
from articles.text import fold
from articles.words import stored_words, text_words
from benchmarks.setup import start_django

DEMO_DIR = Path(__file__).resolve().parent.parent / "ingest" / "demo"
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Quang", "Thanh", "Hữu", "Đức", "Ngọc", "Thu", "Xuân"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tú",
    "Tuấn",
    "Việt",
    "Vy",
    "Yến",
]
SYNTHETIC_ENTITIES = 2000
SYNTHETIC_TAGS = 60
PARAGRAPHS = (4, 8)
WORDS_PER_PARAGRAPH = (30, 60)
UNTRANSLATED_SHARE = 0.2
MENTION_SHARE = 0.7
TIMELINE = timedelta(days=365 * 3)
BATCH = 20_000


@dataclass(frozen=True)
class DemoWords:
    vietnamese: list[str]
    english: list[str]


def demo_vocabulary() -> DemoWords:
    vietnamese, english = [], []
    for path in sorted(DEMO_DIR.glob("*.txt")):
        words = WORD.findall(path.read_text(encoding="utf-8"))
        (english if path.name.endswith(".en.txt") else vietnamese).extend(words)
    return DemoWords([w.lower() for w in vietnamese], [w.lower() for w in english])


def ensure_pool(rng: random.Random) -> tuple[list[tuple[int, str, str]], list[int], list[int]]:
    """Entities (id, Vietnamese name, English name), tag ids and source ids to draw from."""
    existing = Entity.objects.filter(slug__startswith="synthetic-").count()
    new_entities = []
    for number in range(existing, SYNTHETIC_ENTITIES):
        name_vi = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
        new_entities.append(
            Entity(
                slug=f"synthetic-{number}",
                kind=rng.choice(Entity.Kind.values),
                name_vi=f"{name_vi} {number}",
                name_en=f"{fold(name_vi).title()} {number}",
            )
        )
    Entity.objects.bulk_create(new_entities, batch_size=1000)
    Tag.objects.bulk_create(
        [
            Tag(slug=f"synthetic-{n}", name_vi=f"chủ đề {n}", name_en=f"topic {n}")
            for n in range(SYNTHETIC_TAGS)
        ],
        ignore_conflicts=True,
    )
    Source.objects.bulk_create(
        [
            Source(name=name, slug=name.lower())
            for name in ("Reuters", "AFP", "AP", "BBC", "Bloomberg")
        ],
        ignore_conflicts=True,
    )
    entities = list(Entity.objects.values_list("pk", "name_vi", "name_en"))
    return (
        entities,
        list(Tag.objects.values_list("pk", flat=True)),
        list(Source.objects.values_list("pk", flat=True)),
    )


def fill_corpus(
    count: int, seed: int = 1, batch: int = BATCH, progress=None, workers: int = 1
) -> int:
    """Add `count` articles, oldest first, in batches (each its own slice of the
    timeline), published after the synthetic articles already there (or over the last
    three years) up to now. `progress(written)` is told after each batch.

    With several workers, batches are written side by side, each by a process of its own
    into ids reserved for it, and their stories found in order as they are committed.
    """
    oldest, newest = _last_three_years()
    latest = Article.objects.filter(slug__startswith="synthetic-").aggregate(
        latest=Max("published_at")
    )["latest"]
    if latest:
        oldest = min(latest, newest)
    timeline = newest - oldest
    batches = [
        Batch(
            size=min(batch, count - written),
            seed=seed + written,
            published=(
                oldest + timeline * (written / count),
                oldest + timeline * (min(written + batch, count) / count),
            ),
        )
        for written in range(0, count, batch)
    ]
    # worker processes see only what is committed: not from inside a transaction
    if workers > 1 and len(batches) > 1 and not connection.in_atomic_block:
        written_batches = _write_side_by_side(batches, workers)
    else:
        written_batches = (generate_corpus(b.size, b.seed, b.published) for b in batches)
    written = 0
    for size in written_batches:
        written += size
        if progress:
            progress(written)
    return written


@dataclass(frozen=True)
class Batch:
    size: int
    seed: int
    published: tuple
    first_id: int = 0
    first_paragraph_id: int = 0


def _last_three_years() -> tuple:
    newest = timezone.now() - timedelta(minutes=1)  # published, not scheduled
    return newest - TIMELINE, newest


def generate_corpus(count: int, seed: int = 1, published: tuple | None = None) -> int:
    """Add `count` published synthetic articles; return how many were written.

    Their dates fall between the two of `published` (default: the last three years), and
    rise with their ids. Their categories are filled in the same transaction, as an import
    does, so that each row's second version lies beside its batch.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Article._meta.db_table} IN EXCLUSIVE MODE")
        first_id, first_paragraph_id = _reserve_ids(cursor, count)
        _write(Batch(count, seed, published or _last_three_years(), first_id, first_paragraph_id))
        _sequences_to_last_ids(cursor)
        _store_titles_and_stories(first_id, count)
        changes.content_changed_on_commit()
    return count


def _write_side_by_side(batches: list[Batch], workers: int) -> Iterator[int]:
    """Write the batches in worker processes, into ids reserved here for all of them;
    yield each batch's size once its stories are found, in order."""
    ensure_pool(random.Random(batches[0].seed))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Article._meta.db_table} IN EXCLUSIVE MODE")
        first_id, first_paragraph_id = _reserve_ids(cursor, sum(b.size for b in batches))
    placed, article_offset = [], 0
    for batch in batches:
        placed.append(
            replace(
                batch,
                first_id=first_id + article_offset,
                first_paragraph_id=first_paragraph_id + article_offset * PARAGRAPHS[1],
            )
        )
        article_offset += batch.size
    # started afresh, not forked: a fork shares whatever connections and locks other
    # threads of this process hold (a browser driver's, a test server's) and may hang on them
    databases = {alias: connections[alias].settings_dict for alias in connections}
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_django,
        initargs=(databases,),
    ) as pool:
        for batch in pool.map(_write_committed, placed):
            with transaction.atomic():
                _store_titles_and_stories(batch.first_id, batch.size)
            yield batch.size
    with transaction.atomic(), connection.cursor() as cursor:
        _sequences_to_last_ids(cursor)
        changes.content_changed_on_commit()


def _write_committed(batch: Batch) -> Batch:
    with transaction.atomic():
        _write(batch)
    return batch


def _reserve_ids(cursor, count: int) -> tuple[int, int]:
    """The first of `count` article ids, and of as many paragraph ids as they may need."""
    return _next_ids(cursor, Article, count), _next_ids(cursor, Paragraph, count * PARAGRAPHS[1])


def _write(batch: Batch) -> None:
    """Write the batch's articles with their paragraphs, mentions and tags."""
    rng = random.Random(batch.seed)
    vocabulary = demo_vocabulary()
    entities, tag_ids, source_ids = ensure_pool(rng)
    weights = [1 / (rank + 1) for rank in range(len(entities))]
    dates = _dates(rng, batch.published, batch.size)
    rows = _article_rows(
        rng, vocabulary, entities, weights, tag_ids, source_ids, batch.first_id, dates
    )
    articles, paragraphs, mentions, tags = [], [], [], []
    for article, article_paragraphs, article_mentions, article_tags in rows:
        articles.append(article)
        paragraphs.extend(article_paragraphs)
        mentions.extend(article_mentions)
        tags.extend(article_tags)
    paragraphs = [(batch.first_paragraph_id + n, *row) for n, row in enumerate(paragraphs)]
    with connection.cursor() as cursor:
        _copy(cursor, Paragraph, ["id", "article_id", "position", "text_vi", "text_en"], paragraphs)
        _copy(cursor, Mention, ["article_id", "entity_id", "count"], mentions)
        _copy_table(cursor, Article.tags.through._meta.db_table, ["article_id", "tag_id"], tags)
    # the articles last, each written once with its derived columns (the foreign keys
    # above are checked when the transaction commits)
    derived.insert_rows(ARTICLE_COLUMNS, articles)


def _sequences_to_last_ids(cursor) -> None:
    """Hand back the ids reserved and not used."""
    for model in (Article, Paragraph):
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM "
            f"{model._meta.db_table}))",
            [model._meta.db_table],
        )


def _store_titles_and_stories(first_id: int, count: int) -> None:
    """What the import path stores once articles are written: their title terms, then
    their stories."""
    ids = list(range(first_id, first_id + count))
    derived.store_title_terms(ids)
    derived.find_stories(ids)


ARTICLE_COLUMNS = [  # the rest are computed from these, the paragraphs, mentions and tags
    *("id", "slug", "title_vi", "title_en", "lead_vi", "lead_en", "caption_vi", "caption_en"),
    *("credit", "author", "source_id", "source_url", "status", "published_at", "needs_review"),
    *("import_ref", "import_digest", "created_at", "updated_at", "lead_vi_changed_at"),
    *("lead_en_changed_at", "search_words", "rule_tag_ids", "sentences", "translation_checks"),
]


def _dates(rng, published: tuple, count: int) -> list:
    oldest, newest = published
    return sorted(oldest + (newest - oldest) * rng.random() for _ in range(count))


def _article_rows(
    rng, vocabulary, entities, weights, tag_ids, source_ids, first_id, dates
) -> Iterator:
    now = timezone.now()
    for offset, published_at in enumerate(dates):
        article_id = first_id + offset
        picked = rng.choices(entities, weights=weights, k=rng.randint(2, 6))
        chosen = list({entity[0]: entity for entity in picked}.values())
        mentions: dict[int, int] = dict.fromkeys((entity[0] for entity in chosen), 0)

        def pair(words: int) -> tuple[str, str]:
            return _sentence_pair(rng, vocabulary, chosen, mentions, words)  # noqa: B023

        title_vi, title_en = pair(rng.randint(6, 12))
        lead_vi, lead_en = pair(rng.randint(25, 40))
        paragraphs = [
            (article_id, position, *pair(rng.randint(*WORDS_PER_PARAGRAPH)))
            for position in range(1, rng.randint(*PARAGRAPHS) + 1)
        ]
        translated = rng.random() >= UNTRANSLATED_SHARE
        if not translated:
            title_en = lead_en = ""
            paragraphs = [(a, p, vi, "") for a, p, vi, _ in paragraphs]
        mention_rows = [(article_id, pk, n) for pk, n in mentions.items() if n]
        article_tag_ids = sorted(rng.sample(tag_ids, k=min(3, len(tag_ids))))
        tags = [(article_id, tag) for tag in article_tag_ids]
        article = {
            "id": article_id,
            "slug": f"synthetic-{article_id}",
            "title_vi": title_vi[:300],
            "title_en": title_en[:300],
            "lead_vi": lead_vi,
            "lead_en": lead_en,
            "source_id": rng.choice(source_ids),
            "status": Article.Status.PUBLISHED,
            "published_at": published_at,
            "needs_review": False,
            "import_ref": f"synthetic-{article_id}",
            "created_at": now,
            "updated_at": now,
            "lead_vi_changed_at": now,
            "lead_en_changed_at": now,
            "rule_tag_ids": "{}",
            "sentences": "[]",
            "translation_checks": "[]",
            "search_words": stored_words(
                [
                    text_words(text)
                    for text in (title_vi, lead_vi, "\n".join(vi for _, _, vi, _ in paragraphs))
                ]
            ),
        }
        article = tuple(article.get(column, "") for column in ARTICLE_COLUMNS)
        yield article, paragraphs, mention_rows, tags


def _sentence_pair(rng, vocabulary, chosen, mentions, words: int) -> tuple[str, str]:
    """A Vietnamese sentence and its "translation", often naming one of the chosen entities."""
    vietnamese = rng.choices(vocabulary.vietnamese, k=words)
    english = rng.choices(vocabulary.english, k=words)
    if rng.random() < MENTION_SHARE:
        pk, name_vi, name_en = rng.choice(chosen)
        mentions[pk] += 1
        position = rng.randrange(words)
        vietnamese.insert(position, name_vi)
        english.insert(position, name_en)
    return _sentence(vietnamese), _sentence(english)


def _sentence(words: list[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def _next_ids(cursor, model, count: int) -> int:
    """Reserve `count` ids for the model's table; return the first."""
    table = model._meta.db_table
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
        f"GREATEST((SELECT COALESCE(max(id), 0) FROM {table}), "
        f"(SELECT last_value FROM {table}_id_seq)) + %s) - %s + 1",
        [table, count, count],
    )
    return cursor.fetchone()[0]


def _copy(cursor, model, columns: list[str], rows: list[tuple]) -> None:
    _copy_table(cursor, model._meta.db_table, columns, rows)


def _copy_table(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
