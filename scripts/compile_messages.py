"""Compile locale/*/LC_MESSAGES/*.po into the .mo files Django reads, without GNU gettext.

    .venv/bin/python scripts/compile_messages.py      (or: make messages)

The .mo files are committed, so nothing else needs compiling to run or test the site.
Extracting new strings does need gettext: manage.py makemessages -l vi -l en --no-location
--ignore=.venv --ignore=var --ignore=staticfiles --ignore=tests
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(locale: Path = LOCALE) -> list[Path]:
    compiled = []
    for po_path in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled.append(mo_path)
    return compiled


if __name__ == "__main__":
    for path in compile_catalogues():
        print(path.relative_to(LOCALE.parent))
