"""The judged query set of `make bench` (benchmarks/relevance.py), searched as a reader
searches: the relevant articles come first."""

import pytest

from benchmarks.relevance import load_corpus, measure


@pytest.mark.django_db
def test_it_finds_the_judged_articles_first_for_every_kind_of_query():
    load_corpus()

    means, kinds, short = measure()

    assert means["now"]["R-precision"] >= 0.95, short
    assert means["now"]["nDCG@10"] >= 0.9, short
    assert all(ways["now"]["R-precision"] >= 0.9 for ways in kinds.values()), kinds
