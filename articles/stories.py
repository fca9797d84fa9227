"""One story told by several sources, as SQL (imports no model).

Two articles tell one story when they come from different sources, were published at
most STORY_DAYS apart and say nearly the same thing: of the pairs of neighbouring folded
words in the title and lead of the shorter one, in either language, the other holds at
least NEAR_DUPLICATE. That is what two feeds carrying one wire story look like, whatever
their headlines, markup and small edits.

An article's story is the earliest (by publication time, then id) of itself and the
articles that tell its story: a pure function of its own rows and those of its
near-duplicates, so that finding it again from scratch gives the same answer. It is
stored (articles.models.StoryMember) and kept by articles.derived when an article is
saved; lists show one card per story.

Finding near-duplicates among all articles published around the same time would read
them all. Each article stores MinHash bands of its word pairs instead: two texts share a
band with a probability that grows steeply with how many pairs they share (above 0.97
from half of them on, below 0.02 for unrelated texts), so a GIN index on the bands finds
the few candidates, and only those are compared pair by pair.

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
OVERLAP_FUNCTION = "newsreader_story_overlap"

# The functions (created by migration 0016): an article's title and lead as the sorted
# hashes of their pairs of neighbouring folded words; the MinHash bands of those; and
# the share of the shorter side's pairs that two articles have in common, over their
# Vietnamese and English sides (0 when the shorter has fewer than MIN_PAIRS).
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
CREATE OR REPLACE FUNCTION newsreader_pairs_overlap(integer[], integer[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN least(cardinality($1), cardinality($2)) >= {MIN_PAIRS} THEN
        cardinality(ARRAY(SELECT unnest($1) INTERSECT SELECT unnest($2)))::float8
            / least(cardinality($1), cardinality($2))
    ELSE 0 END
$$;
CREATE OR REPLACE FUNCTION {OVERLAP_FUNCTION}(integer[], integer[], integer[], integer[])
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT greatest(
        newsreader_pairs_overlap($1, $3), newsreader_pairs_overlap($2, $4),
        newsreader_pairs_overlap($1, $4), newsreader_pairs_overlap($2, $3)
    )
$$;
"""
DROP_STORY_FUNCTIONS = (
    f"DROP FUNCTION IF EXISTS {OVERLAP_FUNCTION}(integer[], integer[], integer[], integer[]); "
    "DROP FUNCTION IF EXISTS newsreader_pairs_overlap(integer[], integer[]); "
    f"DROP FUNCTION IF EXISTS {BANDS_FUNCTION}(integer[]); "
    f"DROP FUNCTION IF EXISTS {PAIRS_FUNCTION_NAME}(text);"
)


def pairs_sql(article: str, side: str) -> str:
    """The hashed word pairs of one side's title and lead, of the article row `article`.
    An English side that only repeats the Vietnamese one (an English original) is empty."""
    text = f"{article}.title_{side} || ' ' || {article}.lead_{side}"
    if side == "en":
        same = f"{article}.title_en || {article}.lead_en = {article}.title_vi || {article}.lead_vi"
        return f"CASE WHEN {same} THEN '{{}}'::integer[] ELSE {PAIRS_FUNCTION_NAME}({text}) END"
    return f"{PAIRS_FUNCTION_NAME}({text})"


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
    return (
        f"{OVERLAP_FUNCTION}({one}.story_pairs_vi, {one}.story_pairs_en, "
        f"{other}.story_pairs_vi, {other}.story_pairs_en)"
    )


def near_duplicates_sql(articles: str, members: str, x: str, xm: str) -> str:
    """The articles (id, published_at) that tell the same story as the article row `x`,
    whose StoryMember row is `xm`: found through the bands' index, then compared."""
    return f"""
SELECT candidate.id, candidate.published_at
FROM {members} AS candidate_member
JOIN {articles} AS candidate ON candidate.id = candidate_member.article_id
WHERE candidate_member.story_bands && {xm}.story_bands
    AND candidate.id <> {x}.id
    AND candidate.published_at BETWEEN {x}.published_at - interval '{STORY_DAYS} days'
        AND {x}.published_at + interval '{STORY_DAYS} days'
    AND candidate.source_id IS DISTINCT FROM {x}.source_id
    AND {overlap_sql("candidate_member", xm)} >= {NEAR_DUPLICATE}
"""
