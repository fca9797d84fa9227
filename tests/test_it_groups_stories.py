"""One story from several sources: near-duplicates are found when articles are saved, and
lists show one card for them, which the reader can open or switch off."""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import derived
from articles.models import Article, StoryMember
from articles.stories import CREATE_STORY_FUNCTIONS
from tests.factories import ArticleFactory, SourceFactory

# One wire story as three outlets carry it, with their own headlines and small edits.
WIRE = [
    (
        "Triều Tiên phóng tên lửa đạn đạo liên lục địa nhiên liệu rắn",
        "Triều Tiên phóng một tên lửa đạn đạo liên lục địa (ICBM) sử dụng nhiên liệu rắn hôm "
        "12/7, khiến Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp.",
    ),
    (
        "Bình Nhưỡng thử ICBM nhiên liệu rắn",
        "Triều Tiên hôm 12/7 phóng một tên lửa đạn đạo liên lục địa (ICBM) dùng nhiên liệu rắn, "
        "khiến Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp, theo "
        "Yonhap.",
    ),
    (
        "Hàn Quốc, Nhật Bản họp khẩn sau vụ phóng ICBM",
        "Hàn Quốc và Nhật Bản lập tức triệu tập các cuộc họp an ninh khẩn cấp sau khi Triều "
        "Tiên phóng một tên lửa đạn đạo liên lục địa (ICBM) sử dụng nhiên liệu rắn hôm 12/7.",
    ),
]
# The same event in other words, and another event naming the same countries.
SAME_EVENT = (
    "Seoul và Tokyo họp khẩn sau vụ phóng Hwasong-18",
    "Quân đội Hàn Quốc cho biết Triều Tiên sáng 12/7 đã bắn một quả tên lửa tầm xa từ khu vực "
    "gần Bình Nhưỡng, bay khoảng 1.000 km trước khi rơi xuống biển; Nhật Bản gọi đây là hành "
    "động khiêu khích nghiêm trọng.",
)
OTHER_EVENT = (
    "Triều Tiên và Hàn Quốc khôi phục đường dây nóng liên Triều",
    "Hai miền Triều Tiên hôm thứ Hai nối lại các kênh liên lạc trực tiếp bị cắt đứt từ năm "
    "ngoái, động thái được Seoul hoan nghênh như một bước đi tích cực nhằm giảm căng thẳng.",
)
ENGLISH_WIRE = [
    (
        "North Korea fires solid-fuel ICBM",
        "North Korea launched a solid-fuel intercontinental ballistic missile (ICBM) on July "
        "12, prompting South Korea and Japan to convene emergency security meetings.",
    ),
    (
        "N.Korea launches solid-fuel intercontinental missile, Seoul says",
        "North Korea launched a solid-fuel intercontinental ballistic missile on Wednesday, "
        "prompting South Korea and Japan to convene emergency national security meetings, "
        "officials said.",
    ),
]


def _story(title_lead, hours=0, source=None, **fields) -> Article:
    title, lead = title_lead
    return ArticleFactory(
        title_vi=title,
        lead_vi=lead,
        title_en="",
        lead_en="",
        source=source or SourceFactory(),
        published_at=timezone.now() - timedelta(days=1) + timedelta(hours=hours),
        **fields,
    )


def _story_of(article: Article) -> int:
    return StoryMember.objects.get(article=article).story_id


@pytest.mark.django_db
def test_it_puts_one_wire_story_from_several_sources_in_one_story():
    first, second, third = (_story(text, hours=n) for n, text in enumerate(WIRE))
    english_first = _story(ENGLISH_WIRE[0], hours=4)
    english_second = _story(ENGLISH_WIRE[1], hours=5)

    assert {_story_of(first), _story_of(second), _story_of(third)} == {first.pk}
    assert _story_of(english_first) == _story_of(english_second) == english_first.pk


@pytest.mark.django_db
def test_it_keeps_other_events_other_days_and_one_source_apart():
    wire = _story(WIRE[0])
    same_event = _story(SAME_EVENT, hours=1)
    other_event = _story(OTHER_EVENT, hours=2)
    a_week_later = _story(WIRE[1], hours=24 * 7)
    same_source = _story(WIRE[2], hours=3, source=wire.source)

    for article in (same_event, other_event, a_week_later, same_source):
        assert _story_of(article) == article.pk
    assert _story_of(wire) == wire.pk


@pytest.mark.django_db
def test_a_story_follows_its_articles_when_they_change_or_go():
    first, second, third = (_story(text, hours=n) for n, text in enumerate(WIRE))

    first.delete()
    assert _story_of(second) == _story_of(third) == second.pk

    second.published_at = third.published_at + timedelta(days=5)
    second.save()
    assert _story_of(second) == second.pk
    assert _story_of(third) == third.pk

    second.published_at = third.published_at - timedelta(hours=1)
    second.save()
    assert _story_of(third) == second.pk
    assert derived.refresh_all() == 0


def test_the_story_functions_are_created_as_the_code_defines_them():
    migration = importlib.import_module("articles.migrations.0016_story_clusters")
    assert migration.STORY_FUNCTIONS == CREATE_STORY_FUNCTIONS
