"""Take the README's screenshot of the translation desk on the editing page: a paragraph
close to one translated before, with the memory's suggestion, and a pair with a flag.

Usage: python scripts/screenshot_desk.py docs/translation-desk.png
Loads the demo articles (idempotent), adds one draft to translate (idempotent), serves
the site on a free port and photographs the article's paragraph pairs.
"""

import secrets
import sys
from pathlib import Path

from screenshot import served_site

SLUG = "ban-dich-mau"
NUMBERS = (
    "Triều Tiên đã phóng 3 tên lửa đạn đạo trong tháng 3, theo Bộ Tổng tham mưu Hàn Quốc.",
    "North Korea fired two ballistic missiles in March, according to South Korea's Joint "
    "Chiefs of Staff.",
)


def draft_to_translate():
    """A draft whose first paragraph is a demo paragraph with a few words changed."""
    from django.db import transaction

    from articles import changes
    from articles.models import Article, Paragraph

    source = (
        Paragraph.objects.exclude(text_en="")
        .exclude(article__slug=SLUG)
        .filter(text_vi__contains=" ")
        .order_by("article__published_at", "position")
        .first()
    )
    words = source.text_vi.split()
    words[len(words) // 2] = "đã"
    close = " ".join([*words[:-3], "trong", "tuần", "này."])
    with transaction.atomic(), changes.batch():
        Article.objects.filter(slug=SLUG).delete()
        article = Article.objects.create(
            slug=SLUG,
            title_vi="Bài cần dịch",
            lead_vi=source.article.lead_vi,
            lead_en=source.article.lead_en,
        )
        for position, (vietnamese, english) in enumerate([(close, ""), NUMBERS], start=1):
            Paragraph.objects.create(
                article=article, position=position, text_vi=vietnamese, text_en=english
            )
    return article


def main(output: Path) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    article = draft_to_translate()
    password = secrets.token_urlsafe(16)
    user, _ = get_user_model().objects.get_or_create(
        username="screenshot", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(password)
    user.save()

    with served_site() as (base, browser):
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
        page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
        page.fill("#id_username", "screenshot")
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_load_state("load")
        output.parent.mkdir(parents=True, exist_ok=True)
        page.locator("#paragraphs-group").screenshot(path=str(output))
    print(f"Saved {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/translation-desk.png"))
