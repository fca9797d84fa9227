"""What a first reader costs the app server's Python, in instructions: each list page and
search of a small fixed set, rendered in one process after a change to the content (so
that nothing of it is kept), counted by valgrind's callgrind. Unlike milliseconds on a
shared machine, the count does not move with the machine's load, so two versions can be
told apart by a few percent.

    python -m benchmarks.instructions [--articles 100000] [--checkout ../other]

The count is the difference between a process that renders each page ROUNDS times after
warming up and one that only warms up, per page; the database's own work is not in it.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 2
PAGES = {
    "lists": [
        "/?page=7",
        "/?tag={tag}",
        "/categories/{category}/?page=3",
        "/tags/{tag}/",
        "/entities/{entity}/",
        "/entities/{other_entity}/",
        "/tags/{tag}/?entity={entity}",
    ],
    "search": ["/search/?q=h%E1%BA%A3i+qu%C3%A2n", "/search/?q=quoc+phong", "/search/?q=navy"],
}


def pages(kind: str) -> list[str]:
    from articles.models import Category, Entity, Tag
    from benchmarks.first_reader import busiest

    tag = busiest(Tag, "articles")[0]
    entity, other_entity = busiest(Entity, "mentions")[:2]
    names = {
        "tag": tag.slug,
        "entity": entity.slug,
        "other_entity": other_entity.slug,
        "category": Category.objects.order_by("pk").first().slug,
    }
    return [page.format(**names) for page in PAGES[kind]]


def render(kind: str, rounds: int) -> None:
    """In the measured process: warm up, then render each page `rounds` times as its
    first reader."""
    from django.test import Client

    from newsreader.pagecache import content_changed

    client = Client()
    paths = pages(kind)
    for _ in range(rounds + 1):  # the first time to warm up
        for path in paths:
            content_changed()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)


def instructions(checkout: Path, kind: str, rounds: int) -> int:
    """The instructions a process of `checkout` runs: Django's start, warming up and
    `rounds` first readers of each page."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--render", kind, str(rounds),
    ]  # fmt: skip
    # the environment use_bench_database() set: the database, DEBUG off
    finished = subprocess.run(command, cwd=checkout, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", finished.stderr)[1])


def run(checkout: Path = ROOT) -> list[dict] | str:
    if not shutil.which("valgrind"):
        return "valgrind is not installed (Debian package `valgrind`): no instruction counts."
    rows = []
    for kind in PAGES:
        extra = instructions(checkout, kind, ROUNDS) - instructions(checkout, kind, 0)
        per_page = extra / (ROUNDS * len(PAGES[kind]))
        rows.append({"what": f"{kind}: a first reader", "millions": round(per_page / 1e6, 1)})
    return rows


def as_table(rows: list[dict] | str) -> str:
    lines = ["### Instructions per first reader, in the app server's process", ""]
    if isinstance(rows, str):
        return "\n".join([*lines, rows, ""])
    lines += ["| page | millions of instructions |", "|---|---:|"]
    lines += [f"| {row['what']} | {row['millions']:.1f} |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    if sys.argv[1:2] == ["--render"]:
        sys.path.insert(0, os.getcwd())  # the checkout measured
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
        import django

        django.setup()
        render(sys.argv[2], int(sys.argv[3]))
        return
    from benchmarks.setup import fill_to, use_bench_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--checkout", type=Path, default=ROOT)
    options = parser.parse_args()
    use_bench_database(options.articles)
    fill_to(options.articles)
    print(as_table(run(options.checkout.resolve())))


if __name__ == "__main__":
    main()
