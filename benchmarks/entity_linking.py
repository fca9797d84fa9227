"""How long linking one article to a 50,000-alias gazetteer takes.

Run from the project root: `.venv/bin/python -m benchmarks.entity_linking`. No database.
"""

import random
import statistics
import time
from collections import Counter
from collections.abc import Iterator

from articles.entities.matching import Alias, Gazetteer, segment_words

ALIAS_COUNT = 50_000
RUNS = 100
NAIVE_RUNS = 5
ARTICLE_WORDS = 2_000
SEED = 20240106

REAL_ALIASES = [
    Alias("Mỹ", "vi", 1),
    Alias("Hoa Kỳ", "vi", 1),
    Alias("nước Mỹ", "vi", 1),
    Alias("United States", "en", 1),
    Alias("U.S.", "en", 1),
    Alias("US", "en", 1),
    Alias("Nhật Bản", "vi", 2),
    Alias("Nhật", "vi", 2),
    Alias("Japan", "en", 2),
    Alias("NATO", "", 3),
    Alias("Reuters", "", 4),
    Alias("Antony Blinken", "", 5),
    Alias("Blinken", "", 5),
    Alias("Lloyd Austin", "", 6),
    Alias("Fumio Kishida", "", 7),
    Alias("Triều Tiên", "vi", 8),
    Alias("North Korea", "en", 8),
    Alias("Nga", "vi", 9),
    Alias("Russia", "en", 9),
    Alias("Trung Quốc", "vi", 10),
    Alias("Bắc Kinh", "vi", 10),
    Alias("China", "en", 10),
    Alias("Beijing", "en", 10),
    Alias("Đài Loan", "vi", 11),
    Alias("Taiwan", "en", 11),
    Alias("Ukraine", "", 12),
    Alias("Bộ Quốc phòng Mỹ", "vi", 13),
    Alias("Pentagon", "en", 13),
]

VI_SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh"
VI_MIDDLE_NAMES = "Văn Thị Hữu Đức Minh Quang Thanh Ngọc Xuân Công Đình Bảo Kim Thu Hoài Gia"
VI_GIVEN_NAMES = (
    "An Bình Cường Dũng Giang Hà Hải Hạnh Hiếu Hòa Hùng Hương Huy Khánh Khoa Lan Linh Long Mai "
    "Nam Nga Nhung Phong Phúc Phương Quân Quyên Sơn Tâm Thảo Thắng Thành Thủy Trang Trí Trung "
    "Tuấn Tùng Uyên Vân Việt Vinh Yến Hoa Đạt Hiền Lộc Nhân Tài"
)
VI_PLACE_SYLLABLES = (
    "An Bình Phú Thạnh Long Hòa Tân Hưng Phước Đông Tây Nam Bắc Thủy Sơn Lâm Hải Quảng Yên "
    "Vĩnh Thuận Lộc Điền Gia Cát Định Khánh Hội Xuân Hà Thượng Hạ Trà Vân Đức Thái Mỹ"
)
VI_PLACE_KINDS = ["tỉnh", "huyện", "xã", "phường", "thị trấn", "quận"]
VI_ORGANISATION_KINDS = [
    "Công ty Cổ phần",
    "Công ty TNHH",
    "Tập đoàn",
    "Ngân hàng",
    "Trường Đại học",
    "Bệnh viện",
    "Sở Giao thông Vận tải",
    "Ủy ban nhân dân",
]
EN_FIRST_NAMES = (
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Sandra Donald Ashley Steven Emily Paul Donna Andrew Michelle Joshua Carol Kenneth"
)
EN_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen "
    "Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts"
)
EN_ORGANISATION_KINDS = ["Group", "Holdings", "Institute", "Foundation", "Bank", "Partners"]

VI_MENTION_SENTENCES = [
    "Ngoại trưởng Mỹ Antony Blinken cho biết hôm {n}/1 rằng hai bên đã đạt được thỏa thuận.",
    "Bộ trưởng Quốc phòng Mỹ Lloyd Austin cũng khẳng định cuộc họp lần thứ {n} rất quan trọng.",
    "Mỹ và Nhật Bản sẽ ký một thỏa thuận hợp tác quốc phòng mới trong năm {n}.",
    "Ông Blinken cho hay, liên minh Mỹ – Nhật đã bước sang giai đoạn thứ {n}.",
    "Nga, Trung Quốc và Mỹ cũng đang chạy đua chế tạo {n} loại vũ khí siêu thanh.",
    "Thủ tướng Nhật Bản Fumio Kishida đã phê duyệt khoản chi {n} tỷ yên.",
    "Triều Tiên đã bắn {n} tên lửa trong tuần, theo Reuters.",
    "Các hành động của Bắc Kinh đối với Đài Loan khiến {n} nước lo ngại.",
    "Nga đang xây dựng quân đội gần Ukraine với khoảng {n} nghìn binh sĩ.",
    "Nước Mỹ sẽ duy trì {n} nghìn binh sĩ tại Nhật Bản.",
    "Đại sứ Hoa Kỳ đã gặp ông {person} tại {place} hôm {n}/3.",
    "Theo Bộ Quốc phòng Mỹ, NATO sẽ họp lần thứ {n} vào tháng tới.",
    "Ông {person}, đại diện {organisation}, nói rằng dự án cần thêm {n} tỷ đồng.",
]
VI_LOOKALIKE_SENTENCES = [
    "Gia đình ông chuyển về Mỹ Tho sinh sống từ năm {n}.",
    "Ông từng học ở Trường Cao đẳng Mỹ thuật Đông Dương khóa {n}.",
    "Nhật ký của người lính được lưu giữ suốt {n} năm qua.",
    "Buổi lễ diễn ra vào chủ nhật, có {n} người tham dự.",
    "Cô tổ chức sinh nhật lần thứ {n} tại nhà.",
    "Bà My cho biết đã làm nghề mỹ nghệ được {n} năm.",
    "Triển lãm mở cửa vào Chủ Nhật với {n} tác phẩm.",
    "Ông Nguyễn Văn Mỹ đã có {n} năm công tác ở địa phương.",
]
VI_FILLER_SENTENCES = [
    "Theo các chuyên gia, tăng trưởng kinh tế năm nay có thể đạt khoảng {n} phần trăm.",
    "Nhiều doanh nghiệp cho biết đơn hàng xuất khẩu đã tăng trở lại sau thời gian dài khó khăn.",
    "Chính quyền địa phương đang xem xét kế hoạch đầu tư {n} dự án hạ tầng giao thông.",
    "Người dân trong khu vực bày tỏ lo ngại về tình trạng ô nhiễm không khí kéo dài.",
    "Các nhà khoa học đã công bố kết quả nghiên cứu mới sau {n} tháng thực hiện.",
    "Giá cả nhiều mặt hàng thiết yếu tiếp tục biến động trong những tuần gần đây.",
    "Hội nghị đã thông qua nghị quyết về phát triển nguồn nhân lực chất lượng cao.",
    "Lực lượng chức năng đã kiểm tra {n} cơ sở kinh doanh trong đợt cao điểm.",
]
EN_MENTION_SENTENCES = [
    "Secretary of State Antony Blinken said on Jan. {n} that the two sides had reached a deal.",
    "Defense Secretary Lloyd Austin said meeting number {n} was important.",
    "The United States and Japan will sign a new defense agreement in {n}.",
    "Blinken said the U.S.-Japan alliance had entered phase {n}.",
    "Russia, China and the US are racing to build {n} kinds of hypersonic weapons.",
    "Japanese Prime Minister Fumio Kishida approved spending of {n} billion yen.",
    "North Korea fired {n} missiles this week, Reuters reported.",
    "Beijing's actions toward Taiwan worried {n} countries.",
    "Russia has massed about {n} thousand troops near Ukraine.",
    "The Pentagon said NATO would meet for the {n}th time next month.",
    "{person} of {organisation} told us the project needs {n} million dollars.",
]
EN_FILLER_SENTENCES = [
    "Economists expect growth of about {n} percent this year, though risks remain.",
    "Many companies said export orders had picked up after a long difficult period.",
    "Local authorities are considering plans to invest in {n} transport projects.",
    "Residents of the area voiced concern about persistent air pollution.",
    "Scientists published the results of new research after {n} months of work.",
    "Prices of many essential goods have continued to fluctuate in recent weeks.",
]
EN_LOOKALIKE_SENTENCES = [
    "Officials told us that {n} inspections were carried out during the peak season.",
    "The usual suspects were rounded up {n} times, sources said.",
    "A U.N.-backed panel and the UK issued {n} recommendations.",
    "The nato-green paint and japanned boxes sold for {n} dollars.",
]
VIETNAMESE_TEMPLATES = (VI_MENTION_SENTENCES, VI_FILLER_SENTENCES, VI_LOOKALIKE_SENTENCES)
ENGLISH_TEMPLATES = (EN_MENTION_SENTENCES, EN_FILLER_SENTENCES, EN_LOOKALIKE_SENTENCES)


def synthetic_aliases(count: int, rng: random.Random) -> list[Alias]:
    """The real aliases plus made-up people, places and organisations, count in all."""
    aliases = list(REAL_ALIASES)
    seen = {alias.text for alias in aliases}
    makers = [_vietnamese_person] * 4 + [_vietnamese_place] * 2 + [_vietnamese_organisation]
    makers += [_english_person] * 2 + [_english_organisation, _acronym]
    entity_id = 1_000
    while len(aliases) < count:
        text, language = rng.choice(makers)(rng)
        if text not in seen:
            seen.add(text)
            aliases.append(Alias(text, language, entity_id))
            entity_id += 1
    return aliases


def _vietnamese_person(rng: random.Random) -> tuple[str, str]:
    middle = rng.sample(VI_MIDDLE_NAMES.split(), rng.choice([1, 1, 2]))
    return " ".join(
        [rng.choice(VI_SURNAMES.split()), *middle, rng.choice(VI_GIVEN_NAMES.split())]
    ), ""


def _vietnamese_place_name(rng: random.Random) -> str:
    return " ".join(rng.sample(VI_PLACE_SYLLABLES.split(), 2))


def _vietnamese_place(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice(VI_PLACE_KINDS)} {_vietnamese_place_name(rng)}", "vi"


def _vietnamese_organisation(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice(VI_ORGANISATION_KINDS)} {_vietnamese_place_name(rng)}", "vi"


def _english_person(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice(EN_FIRST_NAMES.split())} {rng.choice(EN_SURNAMES.split())}", ""


def _english_organisation(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice(EN_SURNAMES.split())} {rng.choice(EN_ORGANISATION_KINDS)}", "en"


def _acronym(rng: random.Random) -> tuple[str, str]:
    letters = rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=rng.choice([3, 4, 5]))
    return "".join(letters), ""


def synthetic_article(
    templates: tuple[list[str], list[str], list[str]],
    aliases: list[Alias],
    rng: random.Random,
) -> str:
    """About ARTICLE_WORDS words from (mention, filler, look-alike) sentence templates."""
    people = [alias.text for alias in aliases[len(REAL_ALIASES) :] if alias.language == ""]
    places = [alias.text for alias in aliases if alias.text.startswith(("tỉnh ", "huyện "))]
    organisations = [alias.text for alias in aliases if alias.text.startswith("Công ty")]
    sentences, words = [], 0
    for template in _sentence_templates(*templates, rng):
        sentence = template.format(
            n=rng.randint(2, 999),
            person=rng.choice(people),
            place=rng.choice(places) if places else "Hà Nội",
            organisation=rng.choice(organisations) if organisations else rng.choice(people),
        )
        sentences.append(sentence)
        words += len(sentence.split())
        if words >= ARTICLE_WORDS:
            break
    return _paragraphs(sentences)


def _sentence_templates(
    mentions: list[str], fillers: list[str], lookalikes: list[str], rng: random.Random
) -> Iterator[str]:
    """One sentence in five names entities; one in fifteen has a look-alike."""
    while True:
        for round_ in range(3):
            yield rng.choice(mentions)
            yield rng.choice(lookalikes) if round_ == 0 else rng.choice(fillers)
            for _ in range(3):
                yield rng.choice(fillers)


def _paragraphs(sentences: list[str], per_paragraph: int = 4) -> str:
    return "\n\n".join(
        " ".join(sentences[start : start + per_paragraph])
        for start in range(0, len(sentences), per_paragraph)
    )


def _milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 2)


def run(runs: int = RUNS, alias_count: int = ALIAS_COUNT) -> dict:
    rng = random.Random(SEED)
    aliases = synthetic_aliases(alias_count, rng)
    vietnamese = synthetic_article(VIETNAMESE_TEMPLATES, aliases, rng)
    english = synthetic_article(ENGLISH_TEMPLATES, aliases, rng)

    started = time.perf_counter()
    gazetteer = Gazetteer(aliases)
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    gazetteer.find_mentions("Tôi về Mỹ Tho.", "vi")  # loads underthesea and its word list
    warm_up_seconds = time.perf_counter() - started

    texts = [(vietnamese, "vi"), (english, "en")]
    timings, segmentations = [], []
    for _ in range(runs):
        segment_words.cache_clear()  # every article is linked once, so no sentence is cached
        started = time.perf_counter()
        counts = gazetteer.count_mentions(texts)
        timings.append(time.perf_counter() - started)
        segmentations.append(segment_words.cache_info().misses)

    naive_timings = []
    for _ in range(NAIVE_RUNS):
        started = time.perf_counter()
        naive_count_mentions(aliases, texts)
        naive_timings.append(time.perf_counter() - started)

    quantiles = statistics.quantiles(timings, n=100)
    return {
        "aliases": len(aliases),
        "vietnamese_words": len(vietnamese.split()),
        "english_words": len(english.split()),
        "vietnamese_mentions": len(gazetteer.find_mentions(vietnamese, "vi")),
        "english_mentions": len(gazetteer.find_mentions(english, "en")),
        "entities_mentioned": len(counts),
        "build_ms": _milliseconds(build_seconds),
        "warm_up_ms": _milliseconds(warm_up_seconds),
        "runs": runs,
        "count_mentions_p50_ms": _milliseconds(quantiles[49]),
        "count_mentions_p95_ms": _milliseconds(quantiles[94]),
        "segmentations_per_article": max(segmentations),
        "naive_p50_ms": _milliseconds(statistics.median(naive_timings)),
        "naive_max_ms": _milliseconds(max(naive_timings)),
    }


def naive_count_mentions(aliases: list[Alias], texts: list[tuple[str, str]]) -> Counter[int]:
    """The baseline: look for every alias in every text, one after another."""
    counts: Counter[int] = Counter()
    for text, language in texts:
        for alias in aliases:
            if alias.language in ("", language):
                found = text.count(alias.text)
                if found:
                    counts[alias.entity_id] += found
    return counts


def rows() -> list[dict]:
    """The figures as rows for `make bench`."""
    results = run()
    return [
        {
            "what": f"gazetteer of {results['aliases']:,} aliases: build once",
            "p50": results["build_ms"],
            "p95": results["build_ms"],
        },
        {
            "what": (
                f"link a {results['vietnamese_words']:,}-word article and its "
                f"{results['english_words']:,}-word translation "
                f"({results['segmentations_per_article']} segmentations)"
            ),
            "p50": results["count_mentions_p50_ms"],
            "p95": results["count_mentions_p95_ms"],
            "ratio": (
                f"naive scan of every alias: {results['naive_p50_ms']:.0f} ms "
                f"({results['naive_p50_ms'] / results['count_mentions_p50_ms']:.0f}× slower)"
            ),
        },
    ]


def _print_table(results: dict) -> None:
    labels = {
        "aliases": "aliases in gazetteer",
        "vietnamese_words": "Vietnamese article, words",
        "english_words": "English article, words",
        "vietnamese_mentions": "mentions found in Vietnamese",
        "english_mentions": "mentions found in English",
        "entities_mentioned": "distinct entities mentioned",
        "build_ms": "gazetteer build (ms)",
        "warm_up_ms": "one-off underthesea load (ms)",
        "runs": "runs timed",
        "count_mentions_p50_ms": "count_mentions, both articles, p50 (ms)",
        "count_mentions_p95_ms": "count_mentions, both articles, p95 (ms)",
        "segmentations_per_article": "segmentations per Vietnamese article",
    }
    width = max(map(len, labels.values()))
    for key, label in labels.items():
        print(f"{label:<{width}}  {results[key]:>10}")


if __name__ == "__main__":
    _print_table(run())
