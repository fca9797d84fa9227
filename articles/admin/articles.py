"""Articles: bilingual pairs side by side, topics, publication and translation state."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import publishing
from articles.admin import desk
from articles.admin.base import HTTPS_URLS, RevisionAdmin, intermediate_page
from articles.categories import add_to_category, set_categories
from articles.derived import relink_articles
from articles.desk.editing import desk_for
from articles.entities.linking import set_entities_by_hand
from articles.forms import AddToCategoryForm, ArticleForm, ParagraphForm, ParagraphFormSet
from articles.models import Article, Category, Correction, Mention, Paragraph
from articles.tagging import set_tags_by_hand


class CategoryListFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(category.pk, str(category)) for category in Category.objects.all()]

    def queryset(self, request, queryset):
        category = Category.objects.filter(pk=self.value()).first() if self.value() else None
        return queryset.in_category(category) if category else queryset

    def value(self):
        value = super().value()
        return value if value and value.isdigit() else None


class AlignmentListFilter(admin.SimpleListFilter):
    """How many of its sentences found their counterpart (articles.alignment)."""

    title = _("sentence alignment")
    parameter_name = "aligned"
    CONDITIONS = {
        "all": {"alignment_coverage": 100},
        "some": {"alignment_coverage__gt": 0, "alignment_coverage__lt": 100},
        "none": {"alignment_coverage": 0},
    }

    def lookups(self, request, model_admin):
        return [
            ("all", _("every sentence")),
            ("some", _("some sentences")),
            ("none", _("no sentence")),
        ]

    def queryset(self, request, queryset):
        condition = self.CONDITIONS.get(self.value())
        return queryset.filter(**condition) if condition else queryset


class ParagraphInline(admin.TabularInline):
    """The body as Vietnamese | English pairs, side by side; add, remove or renumber them."""

    model = Paragraph
    form = ParagraphForm
    formset = ParagraphFormSet
    extra = 1
    fields = ["order", "text_vi", "text_en", "translation_note"]
    readonly_fields = ["translation_note"]
    verbose_name = _("paragraph pair")
    verbose_name_plural = _("paragraphs: Vietnamese | English")

    @admin.display(description=_("translation"))
    def translation_note(self, paragraph):
        if not paragraph.pk:
            return ""
        if not paragraph.text_en:
            note = _("missing")
        elif paragraph.vi_changed_at > paragraph.en_changed_at:
            note = _("stale: the Vietnamese changed after the English")
        else:
            note = _("up to date")
        number = getattr(paragraph, "desk_block", paragraph.position)
        return desk.pair_desk(note, getattr(paragraph, "desk", None), number)


@admin.register(Article)
class ArticleAdmin(RevisionAdmin):
    form = ArticleForm
    formfield_overrides = HTTPS_URLS
    list_display = [
        "title_vi",
        "status",
        "published_at",
        "translation_state",
        "alignment_coverage",
        "level",
        "source",
        "needs_review",
    ]
    list_filter = [
        *("status", "needs_review", "translation", desk.NeedsCheckingFilter),
        *(AlignmentListFilter, "level", "source"),
        CategoryListFilter,
    ]
    search_fields = ["title_vi", "title_en", "lead_vi", "lead_en"]
    date_hierarchy = "published_at"
    list_select_related = ["source"]
    show_full_result_count = False  # one count per page, not two, on 100,000 articles
    prepopulated_fields = {"slug": ["title_vi"]}
    autocomplete_fields = ["source", "tags"]
    inlines = [ParagraphInline]
    readonly_fields = [
        *("translation_summary", "alignment_coverage", "unaligned_pairs", "level"),
        *("suggested_tags", "lead_desk"),
    ]
    actions = ["publish", "unpublish", "relink", "add_to_category", desk.assign]
    fieldsets = [
        (None, {"fields": [("title_vi", "title_en"), "slug", "needs_review"]}),
        (_("Lead"), {"fields": [("lead_vi", "lead_en"), "lead_desk"]}),
        (
            _("Figure, byline and source"),
            {
                "fields": [
                    ("caption_vi", "caption_en"),
                    ("credit", "author"),
                    "source",
                    "source_url",
                ]
            },
        ),
        (_("Topics"), {"fields": ["tags", "suggested_tags", "linked_entities", "categories"]}),
        (
            _("Publication"),
            {
                "fields": ["status", "published_at"],
                "description": _(
                    "Readers see a published article from its publication time on: a time "
                    "in the future schedules it. Published without a time means now."
                ),
            },
        ),
        (
            _("Translation"),
            {"fields": ["translation_summary", "alignment_coverage", "unaligned_pairs", "level"]},
        ),
        (
            _("Correction"),
            {
                "fields": ["is_correction", ("correction_vi", "correction_en")],
                "description": _(
                    "When this save changes the published text in substance (not a typo), "
                    "say so: readers see a dated note at the foot of the article."
                ),
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin-editing.css"]}
        js = ["js/admin-desk.js"]

    def get_urls(self):
        return [*desk.urls(self), *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.status != Article.Status.PUBLISHED:
            fieldsets = [fieldset for fieldset in fieldsets if fieldset[0] != _("Correction")]
        return fieldsets

    @admin.display(description=_("translation desk"))
    def lead_desk(self, article):
        return desk.pair_desk("", getattr(article, "lead_desk", None), 0, field="lead_en")

    def get_queryset(self, request):
        return super().get_queryset(request).without_search_columns()

    @admin.display(description=_("translation"), ordering="translation")
    def translation_state(self, article):
        state = article.get_translation_display()
        if article.has_paragraph_mismatch:
            state = _("%(state)s (%(translated)d of %(blocks)d)") % {
                "state": state,
                "translated": article.translated_block_count,
                "blocks": article.block_count,
            }
        return format_html('<span class="state state-{}">{}</span>', article.translation, state)

    @admin.display(description=_("state"))
    def translation_summary(self, article):
        if not article.pk:
            return _("Worked out when the article is saved.")
        summary = _(
            "%(state)s: English for %(translated)d of %(blocks)d blocks (the lead and "
            "the paragraphs)."
        ) % {
            "state": article.get_translation_display(),
            "translated": article.translated_block_count,
            "blocks": article.block_count,
        }
        if article.has_paragraph_mismatch:
            summary += " " + _("The paragraph counts differ: some pairs have no English.")
        if article.translation == Article.Translation.STALE:
            summary += " " + _("Some Vietnamese changed after its English: see the pairs below.")
        return summary

    @admin.display(description=_("Pairs it could not align"))
    def unaligned_pairs(self, article):
        """The translated blocks whose sentences did not all find their counterpart, as
        stored (from the stored sentences alone: the pairs are in the form below)."""
        unaligned = [
            (
                _("lead") if number == 0 else _("paragraph %d") % number,
                _("%(vi)d sentences in Vietnamese, %(en)d in English, %(linked)d paired")
                % {"vi": len(block["vi"]), "en": len(block["en"]), "linked": len(block["links"])},
            )
            for number, block in enumerate(article.sentences)
            if block["en"] and not block["ok"]
        ]
        if not unaligned:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", unaligned))

    def sync_related(self, request, form, formsets, change):
        article = form.instance
        picked = {entity.pk for entity in form.cleaned_data["linked_entities"]}
        set_entities_by_hand(article, picked)
        set_tags_by_hand(
            article,
            shown=set(form.fields["tags"].initial or []),
            wanted={tag.pk for tag in form.cleaned_data["tags"]},
        )
        set_categories(article, set(form.cleaned_data["categories"]))
        if form.cleaned_data.get("is_correction"):
            Correction.objects.create(
                article=article,
                note_vi=form.cleaned_data["correction_vi"],
                note_en=form.cleaned_data["correction_en"],
                made_by=request.user,
            )
        dropped = set(form.fields["linked_entities"].initial or []) - picked
        still_named = Mention.objects.filter(article=article, entity_id__in=dropped)
        for mention in still_named.select_related("entity"):
            self.message_user(
                request,
                _(
                    "%(entity)s is named in the text, so it stays linked. Change the text or "
                    "the entity's aliases to unlink it."
                )
                % {"entity": mention.entity},
                messages.WARNING,
            )

    def revision_reason(self, form) -> str:
        if form.cleaned_data.get("is_correction"):
            return "Correction: " + form.cleaned_data["correction_vi"]
        return ""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if obj is not None:
            for inline in context["inline_admin_formsets"]:
                if inline.opts.model is Paragraph:
                    forms = inline.formset.forms
                    obj.lead_desk, desks = desk_for(obj, [f.instance for f in forms])
                    for number, (paragraph_form, paragraph_desk) in enumerate(
                        zip(forms, desks, strict=True), start=1
                    ):
                        paragraph_form.instance.desk = paragraph_desk
                        paragraph_form.instance.desk_block = number
            context["desk_urls"] = desk.page_urls(obj)
        context["conflict"] = form.conflict
        context["version_fields"] = [form["base_version"], form["replace_newer"]]
        if form.conflict and form.conflict.theirs:
            theirs = form.conflict.theirs
            context["their_revision_url"] = reverse(
                "admin:articles_article_simple_history", args=[obj.pk, theirs.history_id]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Publish (now, or at their scheduled time)"))
    def publish(self, request, queryset):
        count = publishing.publish(queryset)
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", count) % count
        )

    @admin.action(description=_("Unpublish: back to draft"))
    def unpublish(self, request, queryset):
        count = publishing.unpublish(queryset)
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
        )

    @admin.action(description=_("Re-link entities"))
    def relink(self, request, queryset):
        count = relink_articles(queryset.values_list("pk", flat=True))
        self.message_user(
            request, ngettext("%d article re-linked.", "%d articles re-linked.", count) % count
        )

    @admin.action(description=_("Add to a category…"))
    def add_to_category(self, request, queryset):
        form = AddToCategoryForm(request.POST if "category" in request.POST else None)
        if form.is_bound and form.is_valid():
            category = form.cleaned_data["category"]
            count = add_to_category(queryset, category)
            self.message_user(
                request,
                ngettext(
                    "%(count)d article added to %(category)s.",
                    "%(count)d articles added to %(category)s.",
                    count,
                )
                % {"count": count, "category": category},
            )
            return None
        return intermediate_page(
            self,
            request,
            "admin/articles/article/add_to_category.html",
            _("Add articles to a category"),
            form,
            articles=queryset,
        )
