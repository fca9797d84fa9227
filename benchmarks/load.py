"""Load: gunicorn on loopback driven by wrk, each page beside /healthz in the same run,
without and with the page cache; plus each page's query count and compressed weight."""

import gzip
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 64
HEALTHZ = "/healthz"
ALTERNATIONS = 3  # turns of /healthz and a page, for each page
WORKERS = 4


def pages() -> dict[str, str]:
    from articles.models import Article, Category, Entity

    article = Article.objects.published().translated().latest_first().first()
    entity = Entity.objects.get(slug="japan")
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "category": Category.objects.get(slug="defense-security").get_absolute_url(),
        "entity": entity.get_absolute_url(),
        "search": "/search/?q=an+ninh",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(page_cache_seconds: int, workers: int = WORKERS, checkout: Path = ROOT):
    port = free_port()
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "newsreader.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=checkout, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(10)


def wrk(url: str, seconds: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    errors = sum(
        int(n)
        for n in re.findall(
            r"(?:Non-2xx or 3xx responses|timeout|read|write|connect) (\d+)", output
        )
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": errors,
    }


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def weight_and_queries(path: str) -> tuple[int, str]:
    """The page's compressed weight, and its queries: rendered after a change to the
    content (nothing of it kept), then for the next reader without the page cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsreader.pagecache import content_changed

    content_changed()
    client = Client()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        counts.append(len(queries))
    return len(gzip.compress(response.content)), " / ".join(map(str, counts))


def run(seconds: int, checkout: Path = ROOT) -> list[dict] | str:
    """Each page under load in turns with /healthz under the same load (ALTERNATIONS
    runs of each, `seconds` in all): its ratio is the median of the ratios of each turn,
    so that a machine that slows down or speeds up for a while does not skew it. The
    /healthz rows show the median of all its runs."""
    if not shutil.which("wrk"):
        return "wrk is not installed (Debian package `wrk`): load figures skipped."
    rows = []
    targets = pages()
    # before any server runs: one still answering wrk's last requests would keep the parts
    # of these pages under the new content version
    weights = {name: weight_and_queries(path) for name, path in targets.items()}
    turn = max(1, seconds // ALTERNATIONS)
    for label, cache_seconds in (("uncached", 0), ("cached", 60)):
        with gunicorn(cache_seconds, checkout=checkout) as base:
            wrk(base + HEALTHZ, 2)  # warm up every worker
            baselines, page_rows = [], []
            for name, path in targets.items():
                wrk(base + path, 2)
                turns = [
                    (wrk(base + HEALTHZ, turn), wrk(base + path, turn)) for _ in range(ALTERNATIONS)
                ]
                baselines.extend(healthz for healthz, _ in turns)
                weight, queries = weights[name]
                page_rows.append(
                    {
                        "page": f"{name} ({label})",
                        **_median(page for _, page in turns),
                        "ratio": statistics.median(
                            page["rps"] / healthz["rps"] for healthz, page in turns
                        ),
                        "queries": queries if label == "uncached" else "",
                        "weight": weight,
                    }
                )
            rows.append(
                {
                    "page": f"{HEALTHZ} ({label}, the median of its runs)",
                    **_median(baselines),
                    "ratio": 1.0,
                    "queries": 1 if label == "uncached" else "",
                    "weight": 0,
                }
            )
            rows.extend(page_rows)
    return rows


def _median(runs) -> dict:
    """The run with the median requests per second."""
    runs = sorted(runs, key=lambda run: run["rps"])
    return runs[len(runs) // 2]


def as_table(rows: list[dict] | str) -> str:
    if isinstance(rows, str):
        return rows
    lines = [
        f"### Load: wrk, {CONNECTIONS} connections, gunicorn with {WORKERS} workers",
        "",
        "| page | requests/s | ratio to /healthz | p50 ms | p99 ms | errors "
        "| queries (first / next reader) "
        "| gzip bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['rps']:,.0f} | {row['ratio']:.2f} | {row['p50']:.1f} | "
            f"{row['p99']:.1f} | {row['errors']} | {row['queries']} | {row['weight']:,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """python -m benchmarks.load [--articles 100000] [--seconds 18] [--checkout ../other]"""
    import argparse

    from benchmarks.first_reader import local_redis
    from benchmarks.setup import fill_to, use_bench_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=18, help="per page, in turns")
    parser.add_argument("--checkout", type=Path, default=ROOT)
    options = parser.parse_args()
    os.environ.setdefault("REDIS_URL", local_redis())
    use_bench_database(options.articles)
    fill_to(options.articles)
    print(as_table(run(options.seconds, options.checkout.resolve())))


if __name__ == "__main__":
    main()
