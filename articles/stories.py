"""One story told by several sources, as SQL (imports no model).

Two articles tell one story when they come from different sources, were published at
most STORY_DAYS apart and say nearly the same thing: of the pairs of neighbouring folded
words in the (Vietnamese) title and lead of the shorter one, the other holds at least
NEAR_DUPLICATE. That is what two feeds carrying one wire story look like, whatever their
headlines, markup and small edits. (An English original, whose English stands in its
Vietnamese fields until an editor translates it, is compared in English.)

An article's story is the earliest (by publication time, then id) of itself and the
articles that tell its story: a function of its own rows and those of its near-duplicates
alone, so that finding it again from scratch gives the same answer. It is stored
(articles.models.StoryMember), kept by articles.derived when an article is saved, and
lists show one card per story.

Comparing an article with every other one published around the same time would read them
all. Each article stores MinHash bands of its word pairs instead: two texts share a band
with a probability that grows steeply with the pairs they share (0.99 for two sharing
half of all their pairs, 0.04 for two sharing one in twenty). The bands are indexed as
keys tagged with the article's period of STORY_DAYS days, and an article looks up its
bands in its own period and the two around it, so that the GIN index finds the few
candidates published nearby, whatever the age of the site; only those are compared pair
by pair.

"More on this story", under an article, is looser: articles from other sources published
as close in time that name one of its key entities and share at least SAME_EVENT of its
word pairs (the same event in other words), found when the page is rendered.
"""

from articles.search.sql import FOLD_FUNCTION, PAIRS_FUNCTION

STORY_DAYS = 3  # how far apart two articles of one story may be published
NEAR_DUPLICATE = 0.5  # share of the shorter text's word pairs the other holds: one story
SAME_EVENT = 0.1  # the same, for "More on this story" (with a key entity in common)
MIN_PAIRS = 8  # a shorter text is too short to compare
BANDS = 16  # MinHash bands of two hashes each

PAIRS_FUNCTION_NAME = "newsreader_story_pairs"
BANDS_FUNCTION = "newsreader_story_bands"
KEYS_FUNCTION = "newsreader_story_keys"
OVERLAP_FUNCTION = "newsreader_story_overlap"

# The functions (created by migration 0016): a title and lead as the sorted hashes of
# their pairs of neighbouring folded words; the MinHash bands of those; the bands as keys
# of the periods around one; and the share of the shorter one's pairs that two articles
# have in common (0 when it has fewer than MIN_PAIRS).
CREATE_STORY_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION {PAIRS_FUNCTION_NAME}(text) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT hashtext(pair) FROM unnest(tsvector_to_array(
            {PAIRS_FUNCTION}(to_tsvector('simple'::regconfig, {FOLD_FUNCTION}($1)))
        )) AS pair
        ORDER BY 1
    )
$$;
CREATE OR REPLACE FUNCTION {BANDS_FUNCTION}(integer[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT hashtextextended(
            min(hashint4extended(pair, 2 * band))::text || ' '
                || min(hashint4extended(pair, 2 * band + 1))::text,
            band
        )
        FROM unnest($1) AS pair, generate_series(0, {BANDS - 1}) AS band
        WHERE cardinality($1) >= {MIN_PAIRS}
        GROUP BY band
        ORDER BY band
    )
$$;
CREATE OR REPLACE FUNCTION {KEYS_FUNCTION}(bands bigint[], period bigint, around integer)
RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT hashint8extended(band, near)
        FROM unnest(bands) AS band, generate_series(period - around, period + around) AS near
        ORDER BY 1
    )
$$;
CREATE OR REPLACE FUNCTION {OVERLAP_FUNCTION}(integer[], integer[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN least(cardinality($1), cardinality($2)) >= {MIN_PAIRS} THEN
        cardinality(ARRAY(SELECT unnest($1) INTERSECT SELECT unnest($2)))::float8
            / least(cardinality($1), cardinality($2))
    ELSE 0 END
$$;
"""
DROP_STORY_FUNCTIONS = (
    f"DROP FUNCTION IF EXISTS {OVERLAP_FUNCTION}(integer[], integer[]); "
    f"DROP FUNCTION IF EXISTS {KEYS_FUNCTION}(bigint[], bigint, integer); "
    f"DROP FUNCTION IF EXISTS {BANDS_FUNCTION}(integer[]); "
    f"DROP FUNCTION IF EXISTS {PAIRS_FUNCTION_NAME}(text);"
)


def pairs_sql(article: str) -> str:
    """The hashed word pairs of the title and lead of the article row `article`."""
    return f"{PAIRS_FUNCTION_NAME}({article}.title_vi || ' ' || {article}.lead_vi)"


def bands_sql(pairs: str) -> str:
    return f"{BANDS_FUNCTION}({pairs})"


def period_sql(time: str) -> str:
    """Which period of STORY_DAYS days the time falls in."""
    return f"floor(extract(epoch FROM {time}) / {STORY_DAYS * 86400})::bigint"


def keys_sql(bands: str, time: str, around: int = 0) -> str:
    """The bands as keys of the period of `time` (and of `around` periods either side):
    none without a time."""
    return f"coalesce({KEYS_FUNCTION}({bands}, {period_sql(time)}, {around}), '{{}}')"


def basis_sql(article: str) -> str:
    """A digest of what an article's story is found from: its title and lead, source and
    publication time. Its story is found again only when this changes."""
    parts = ", ".join(
        [
            *(f"{article}.{column}" for column in ("title_vi", "lead_vi", "title_en", "lead_en")),
            f"{article}.source_id",
            f"extract(epoch FROM {article}.published_at)",
        ]
    )
    return f"md5(concat_ws(E'\\x1f', {parts}))"


def overlap_sql(one: str, other: str) -> str:
    """The share of word pairs two story members (rows of StoryMember) have in common."""
    return f"{OVERLAP_FUNCTION}({one}.story_pairs, {other}.story_pairs)"


def near_duplicates_sql(members: str, xm: str) -> str:
    """The articles (article_id, story_time) that tell the same story as the one whose
    StoryMember row is `xm`: the candidates its keys find through the index, those
    published close enough by another source, and of those, the ones saying the same
    (the costliest test, which PostgreSQL makes last). It reads StoryMember alone."""
    return f"""
SELECT article_id, story_time FROM {members}
WHERE story_keys && {keys_sql(f"{xm}.story_bands", f"{xm}.story_time", around=1)}
    AND article_id <> {xm}.article_id
    AND story_time BETWEEN {xm}.story_time - interval '{STORY_DAYS} days'
        AND {xm}.story_time + interval '{STORY_DAYS} days'
    AND story_source_id IS DISTINCT FROM {xm}.story_source_id
    AND {overlap_sql(members, xm)} >= {NEAR_DUPLICATE}
"""
