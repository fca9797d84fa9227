"""Take the README's screenshots with headless Chromium: the parallel reading mode, and
the meaning of a tapped word.

Usage: python scripts/screenshot.py docs/parallel-reading.png [docs/word-popover.png]
Loads the demo articles (idempotent), serves the site on a free port and photographs
the first demo article side by side, then with "quốc phòng" tapped.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextmanager
def served_site():
    """The site served by runserver on a free port, and a headless Chromium: yields
    (the site's base URL, the browser)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield base, browser
            browser.close()
    finally:
        server.terminate()
        server.wait()


TAP_WORD = "quốc phòng"
FIND_WORD = """word => {
    for (const text of document.querySelectorAll(".blocks p[lang=vi]")) {
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const at = walker.currentNode.data.indexOf(word);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(walker.currentNode, at);
            range.setEnd(walker.currentNode, at + word.length);
            range.startContainer.parentElement.scrollIntoView({block: "center"});
            const box = range.getBoundingClientRect();
            return {x: box.x + box.width / 2, y: box.y + box.height / 2};
        }
    }
}"""


def photograph_popover(page, output: Path) -> None:
    """Tap the word as a reader would, and photograph it with its meaning."""
    spot = page.evaluate(FIND_WORD, TAP_WORD)
    page.mouse.click(spot["x"], spot["y"])
    popover = page.locator(".word-popover")
    popover.wait_for(state="visible")
    box = popover.bounding_box()
    top = max(0, box["y"] - 120)
    page.screenshot(
        path=str(output),
        clip={"x": 0, "y": top, "width": 1280, "height": box["y"] + box["height"] + 40 - top},
    )


def main(output: Path, popover_output: Path | None = None) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    article = Article.objects.published().translated().order_by("published_at", "id").last()

    with served_site() as (base, browser):
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{base}{article.get_absolute_url()}?view=parallel")
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))
        if popover_output:
            photograph_popover(page, popover_output)
    print(f"Saved {output}" + (f" and {popover_output}" if popover_output else ""))


if __name__ == "__main__":
    main(
        Path(sys.argv[1] if len(sys.argv) > 1 else "docs/parallel-reading.png"),
        Path(sys.argv[2]) if len(sys.argv) > 2 else None,
    )
