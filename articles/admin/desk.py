"""The translation desk in the admin: the board of articles to translate, with assignments
and each translator's queue; what the editing page shows beside each pair (the memory's
suggestions, the checks' flags, the machine's suggestions, fetched apart); dismissing a
flag; and the "needs checking" filter."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import changes
from articles.admin.base import intermediate_page
from articles.desk import checks, machine
from articles.models import Article, Assignment, CheckDismissal, Correction

BOARD_PAGE = 50
TO_TRANSLATE = [
    Article.Translation.MISSING,
    Article.Translation.PARTIAL,
    Article.Translation.STALE,
]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Correction notes, made from the article form; here to mend or remove one."""

    list_display = ["made_at", "article", "note_vi"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["made_by"]
    search_fields = ["note_vi", "note_en", "article__title_vi"]
    date_hierarchy = "made_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer(*(f"article__{name}" for name in ("body_vi", "body_en", "search_words")))
        )


class NeedsCheckingFilter(admin.SimpleListFilter):
    title = _("needs checking")
    parameter_name = "checking"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs checking"))]

    def queryset(self, request, queryset):
        return queryset.needing_checks() if self.value() == "yes" else queryset


def pair_desk(note, desk, block: int, field: str | None = None) -> str:
    """What the editing page shows beside a pair: its state, the flags, the memory's
    suggestions, and a place for the machine's."""
    return mark_safe(
        render_to_string(
            "admin/articles/article/_pair_desk.html",
            {
                "note": note,
                "desk": desk,
                "block": block,
                "field": field,
                "wanted": desk is not None and (desk.stale or desk.suggestions or note),
            },
        )
    )


def page_urls(article: Article) -> dict:
    machine_page = reverse("admin:articles_article_machine", args=[article.pk])
    backend = machine.configured()
    return {
        "machine": machine_page,
        "machine_json": f"{machine_page}?format=json" if backend else "",
        "timeout": backend.timeout if backend else 0,
        "dismiss": reverse("admin:articles_article_dismiss", args=[article.pk]),
        "board": reverse("admin:articles_article_desk"),
    }


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view
    return [
        path("desk/", view(_bound(board, model_admin)), name="articles_article_desk"),
        path(
            "<int:pk>/machine/",
            view(_bound(machine_suggestions, model_admin)),
            name="articles_article_machine",
        ),
        path(
            "<int:pk>/dismiss/",
            view(_bound(dismiss, model_admin)),
            name="articles_article_dismiss",
        ),
    ]


def _bound(function, model_admin):
    def view(request, **kwargs):
        return function(model_admin, request, **kwargs)

    return view


# --- Flags and machine suggestions ------------------------------------------------------------


def dismiss(model_admin, request, pk: int):
    """An editor's word that a flag is no fault, for that pair as it stands."""
    article = get_object_or_404(Article.objects.only("pk"), pk=pk)
    if request.method != "POST":
        raise Http404
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    kind, _sep, pair = request.POST.get("flag", "").partition(":")
    if kind not in checks.KINDS or not pair.isalnum() or len(pair) != 16:
        return JsonResponse({"error": "not a flag"}, status=400)
    with transaction.atomic(), changes.batch():
        CheckDismissal.objects.get_or_create(
            article=article, kind=kind, pair=pair, defaults={"dismissed_by": request.user}
        )
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"dismissed": f"{kind}:{pair}"})
    model_admin.message_user(request, _("The flag is dismissed for that pair."))
    return redirect(reverse("admin:articles_article_change", args=[pk]))


def machine_suggestions(model_admin, request, pk: int):
    """The backend's English for the article's pairs that have none or a stale one, as JSON
    ({"blocks": {number: English}} or {"error": …}), or as a page without JavaScript."""
    article = get_object_or_404(Article.objects.without_search_columns(), pk=pk)
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    backend = machine.configured()
    answer: dict = {"blocks": {}}
    blocks = article.aligned_blocks()
    if backend is None:
        answer = {"error": str(_("No translation server is set up."))}
    else:
        wanted = [n for n, (vi, en) in enumerate(blocks) if vi.strip() and not en.strip()]
        wanted += [n for n in _stale_blocks(article) if n not in wanted]
        try:
            english = backend.translate([blocks[n][0] for n in wanted])
            answer = {"blocks": dict(zip(map(str, wanted), english, strict=True))}
        except machine.MachineError as error:
            answer = {"error": str(_("Machine suggestions: %(error)s.") % {"error": error})}
        answer["backend"] = backend.name
    if request.GET.get("format") == "json":
        return JsonResponse(answer)
    return render(
        request,
        "admin/articles/article/machine.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Machine suggestions"),
            "opts": Article._meta,
            "object": article,
            "answer": answer,
            "pairs": [
                (blocks[int(number)][0], english)
                for number, english in answer.get("blocks", {}).items()
            ],
        },
    )


def _stale_blocks(article: Article) -> list[int]:
    stale = (
        [0] if article.lead_en and article.lead_vi_changed_at > article.lead_en_changed_at else []
    )
    return stale + [
        number
        for number, paragraph in enumerate(article.paragraphs.all(), start=1)
        if paragraph.text_en and paragraph.vi_changed_at > paragraph.en_changed_at
    ]


# --- The board -------------------------------------------------------------------------------


def _translators():
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")


class AssignForm(forms.Form):
    translator = forms.ModelChoiceField(_translators(), label=_("translator"))
    due = forms.DateField(
        label=_("due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def assign_articles(articles, translator, due, by) -> int:
    """Give these articles to the translator, by the date (or none)."""
    count = 0
    for article_id in articles.values_list("pk", flat=True):
        Assignment.objects.update_or_create(
            article_id=article_id,
            defaults={"translator": translator, "due": due, "assigned_by": by},
        )
        count += 1
    return count


@admin.action(description=_("Assign to a translator…"))
def assign(model_admin, request, queryset):
    form = AssignForm(request.POST if "translator" in request.POST else None)
    if form.is_bound and form.is_valid():
        count = assign_articles(
            queryset, form.cleaned_data["translator"], form.cleaned_data["due"], request.user
        )
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d article assigned to %(translator)s.",
                "%(count)d articles assigned to %(translator)s.",
                count,
            )
            % {"count": count, "translator": form.cleaned_data["translator"]},
        )
        return None
    return intermediate_page(
        model_admin,
        request,
        "admin/articles/article/assign.html",
        _("Assign articles to a translator"),
        form,
        articles=queryset,
    )


def board(model_admin, request):
    """Articles to translate, oldest published first: missing, partial or stale, with
    counts per state and per source, and who translates each by when."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        return _assign_from_board(model_admin, request)
    to_translate = Article.objects.to_translate()
    chosen, shown = _board_filters(request, to_translate)
    states = dict(to_translate.values_list("translation").annotate(count=Count("pk")).order_by())
    total = sum(states.values())
    sources = (
        to_translate.values_list("source__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "source__name")
    )
    mine = Assignment.objects.filter(translator=request.user, article__in=to_translate).count()
    count = total if not chosen else shown.count()
    paginator = Paginator(range(count), BOARD_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(
        shown.select_related("source", "assignment__translator").without_search_columns()[
            page.start_index() - 1 if count else 0 : page.end_index()
        ]
    )
    return render(
        request,
        "admin/articles/article/desk.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Translation desk"),
            "opts": Article._meta,
            "rows": rows,
            "page": page,
            "count": count,
            "total": total,
            "states": [
                (value, label, states.get(value, 0))
                for value, label in Article.Translation.choices
                if value in TO_TRANSLATE
            ],
            "sources": list(sources),
            "mine": mine,
            "chosen": chosen,
            "form": AssignForm(),
            "today": timezone.localdate(),
            "query": request.GET.urlencode(),
        },
    )


def _board_filters(request, articles):
    """The filters of the board (state, source, mine), as chosen, and what they show."""
    chosen = {}
    state = request.GET.get("state")
    if state in TO_TRANSLATE:
        articles, chosen["state"] = articles.filter(translation=state), state
    source = request.GET.get("source")
    if source is not None:
        articles = articles.filter(source__name=source) if source else articles.filter(source=None)
        chosen["source"] = source
    if request.GET.get("mine") == "1":
        articles, chosen["mine"] = articles.filter(assignment__translator=request.user), True
    return chosen, articles.oldest_published_first()


def _assign_from_board(model_admin, request):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    form = AssignForm(request.POST)
    ids = [pk for pk in request.POST.getlist("article") if pk.isdigit()]
    if not ids:
        model_admin.message_user(request, _("Pick the articles to assign."), messages.WARNING)
    elif form.is_valid():
        count = assign_articles(
            Article.objects.filter(pk__in=ids),
            form.cleaned_data["translator"],
            form.cleaned_data["due"],
            request.user,
        )
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d article assigned to %(translator)s.",
                "%(count)d articles assigned to %(translator)s.",
                count,
            )
            % {"count": count, "translator": form.cleaned_data["translator"]},
        )
    else:
        model_admin.message_user(request, _("Pick a translator."), messages.ERROR)
    return redirect(reverse("admin:articles_article_desk") + "?" + request.GET.urlencode())
