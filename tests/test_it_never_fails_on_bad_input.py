"""Hypothesis drives every public URL's query string: no response is ever a server error.

QUERY_FUZZ_EXAMPLES sets how many query strings each URL gets (400 by default; `make fuzz`
tries 1,250)."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CategoryFactory, EntityFactory, TagFactory, TopicArticleFactory

KNOWN_KEYS = [
    "q", "page", "view", "highlight", "category", "tag", "entity", "match", "entity_type",
    "source", "date_from", "date_to", "translated", "sort", "language",
]  # fmt: skip
EXAMPLES_PER_URL = int(os.environ.get("QUERY_FUZZ_EXAMPLES", "400"))  # x 11 URLs

odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["\x00", "%00", "'", '"', "-", "&", "|", "!", "(", ")", ":*", "\u202e", "🦀"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
    st.just("x" * 10_000),
    st.sampled_from(["nhat ban", "Nhật Bản", "true", "false", "all", "any", "oldest", "en"]),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(min_size=1, max_size=10))
query_strings = st.lists(st.tuples(keys, odd_text), max_size=6)


@pytest.fixture
def site(db):
    tag = TagFactory(slug="hypersonic")
    entity = EntityFactory(slug="japan")
    article = TopicArticleFactory(slug="bai-viet", tags=[tag], entities=[entity])
    CategoryFactory(slug="defense", any_tags=[tag])
    return article


PUBLIC_URLS = [
    "/",
    "/search/",
    "/search/suggest/",
    "/articles/bai-viet/",
    "/articles/bai-viet/words/",
    "/categories/defense/",
    "/tags/hypersonic/",
    "/entities/japan/",
    "/feeds/both/search/rss/",
    "/feeds/en/tags/hypersonic/atom/",
    "/healthz",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_no_query_string_makes_a_public_page_fail(client, site, url):
    @settings(
        max_examples=EXAMPLES_PER_URL,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(pairs=query_strings)
    def check(pairs):
        response = client.get(url, data=_as_query_data(pairs))
        assert response.status_code < 500, (url, pairs, response.status_code)

    check()


def _as_query_data(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for key, value in pairs:
        data.setdefault(key, []).append(value)
    return data
