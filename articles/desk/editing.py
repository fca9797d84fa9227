"""What the editing page shows beside each pair: the memory's suggestions for a Vietnamese
paragraph with no English or a stale one, and the checks' flags that no editor dismissed,
each saying what it saw in the interface's language."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from articles.desk import checks
from articles.desk.memory import Suggestion, suggestions
from articles.models import Article, CheckDismissal


@dataclass(frozen=True)
class ShownFlag:
    kind: str
    pair: str
    message: str


@dataclass
class PairDesk:
    """What the desk has to say about one pair."""

    suggestions: list[Suggestion] = field(default_factory=list)
    flags: list[ShownFlag] = field(default_factory=list)
    stale: bool = False

    @property
    def exact(self) -> str:
        """The English of an exact repeat of the Vietnamese, or ''."""
        return next((s.english for s in self.suggestions if s.exact), "")


def desk_for(article: Article, paragraphs: list) -> tuple[PairDesk, list[PairDesk]]:
    """The lead's and each paragraph's (in the order given). Two queries: the memory's
    suggestions for all the pairs that need them, and the article's dismissals."""
    blocks = [
        (
            article.lead_vi,
            article.lead_en,
            _stale(article.lead_vi_changed_at, article.lead_en_changed_at),
        ),
        *(
            (p.text_vi, p.text_en, _stale(p.vi_changed_at, p.en_changed_at) if p.pk else False)
            for p in paragraphs
        ),
    ]
    desks = [PairDesk(stale=bool(english) and stale) for _vi, english, stale in blocks]
    wanted = [
        number
        for number, (vietnamese, english, stale) in enumerate(blocks)
        if vietnamese.strip() and (not english or stale)
    ]
    for number, found in zip(
        wanted, suggestions([blocks[n][0] for n in wanted], article.pk), strict=True
    ):
        desks[number].suggestions = found
    dismissed = set(CheckDismissal.objects.filter(article=article).values_list("kind", "pair"))
    by_pair = {
        checks.pair_digest(vi, en): desk for (vi, en, _), desk in zip(blocks, desks, strict=True)
    }
    for flag in article.translation_checks:
        desk = by_pair.get(flag["pair"])
        if desk is not None and (flag["kind"], flag["pair"]) not in dismissed:
            desk.flags.append(ShownFlag(flag["kind"], flag["pair"], flag_message(flag)))
    return desks[0], desks[1:]


def _stale(vietnamese_changed, english_changed) -> bool:
    return bool(vietnamese_changed and english_changed and vietnamese_changed > english_changed)


def _listed(items: list[str]) -> str:
    return ", ".join(items)


def flag_message(flag: dict) -> str:
    """What a stored flag saw, in the interface's language."""
    vi, en = flag.get("vi", []), flag.get("en", [])
    if flag["kind"] == checks.NUMBERS:
        parts = []
        if vi:
            parts.append(_("%(found)s in the Vietnamese only") % {"found": _listed(vi)})
        if en:
            parts.append(_("%(found)s in the English only") % {"found": _listed(en)})
        return _("Numbers differ: %(parts)s.") % {"parts": "; ".join(parts)}
    if flag["kind"] == checks.ENTITIES:
        parts = []
        if vi:
            parts.append(_("%(found)s named in the Vietnamese only") % {"found": _listed(vi)})
        if en:
            parts.append(_("%(found)s named in the English only") % {"found": _listed(en)})
        return "; ".join(parts) + "."
    if flag["kind"] == checks.LENGTH:
        return _(
            "Length far from the article's own: %(vi)s characters of Vietnamese, %(en)s of "
            "English (%(times)s× the article's usual ratio)."
        ) % {"vi": vi[0], "en": en[0], "times": en[1]}
    if flag["kind"] == checks.QUOTE:
        side, quoted = (_("Vietnamese"), vi[0]) if vi else (_("English"), en[0])
        return _("A quote in the %(side)s only: “%(quote)s”.") % {"side": side, "quote": quoted}
    return flag["kind"]
