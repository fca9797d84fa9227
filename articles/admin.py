from dataclasses import asdict

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from articles import editing
from articles.forms import (
    AddToCategoryForm,
    ArticleForm,
    CategoryRuleForm,
    ImportFilesForm,
    MergeEntitiesForm,
    ParagraphForm,
    ParagraphFormSet,
)
from articles.history import (
    changes_by_record,
    record_first_revision,
    record_revision,
    shown_value,
)
from articles.history import revision_changes as changes_between
from articles.importing import describe, import_uploads, summarize
from articles.linking import relink_article
from articles.membership import forget, refresh_membership
from articles.models import (
    Article,
    Category,
    Entity,
    EntityAlias,
    EntitySuggestion,
    Mention,
    Paragraph,
    Source,
    Tag,
)
from articles.suggestions import approve_suggestion, reject_suggestions

RULE_SAMPLE_SIZE = 10


def forget_after_delete(delete, request, obj, field: str) -> None:
    """Delete a tag, entity or category, and take its id out of the articles' id arrays."""
    deleted_id = obj.pk
    delete(request, obj)
    forget(field, deleted_id)


def forget_after_bulk_delete(delete, request, queryset, field: str) -> None:
    deleted_ids = list(queryset.values_list("pk", flat=True))
    delete(request, queryset)
    for deleted_id in deleted_ids:
        forget(field, deleted_id)


class RevisionAdmin(SimpleHistoryAdmin):
    """History and undo. Each save records a revision, related rows included, once they
    are saved too and the derived data is right (sync_related); the history page says
    what each revision changed; a revision's page shows it and reverts to it."""

    def save_model(self, request, obj, form, change):
        if change:
            record_first_revision(self.model, [obj.pk])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.sync_related(request, form, formsets, change)
        record_revision([form.instance], created=not change)

    def sync_related(self, request, form, formsets, change) -> None:
        """Bring the derived data up to date after the object and its rows were saved."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        changes = changes_by_record(records)
        for record in records:
            record.history_delta_changes = [asdict(c) for c in changes[record.history_id]]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A revision as it was, what it changed, and a button to go back to it."""
        obj = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        revisions = self.model.history.filter(id=obj.pk)
        record = get_object_or_404(revisions, history_id=version_id)
        if request.method == "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            editing.revert(record)
            self.message_user(
                request,
                _("“%(object)s” is back as it was on %(date)s. The revert is in its history too.")
                % {"object": obj, "date": record.history_date},
                messages.SUCCESS,
            )
            return redirect(reverse(self._url_name("change"), args=[obj.pk]))
        previous = revisions.filter(history_id__lt=record.history_id).order_by("-history_id")
        previous = previous.first()
        latest = revisions.order_by("-history_id").first()
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revision of %(object)s") % {"object": obj},
            "opts": opts,
            "object": obj,
            "record": record,
            "fields": [
                (field.verbose_name, shown_value(field, getattr(record, field.attname)))
                for field in record.tracked_fields
                if field.editable and not field.primary_key
            ],
            "paragraphs": (record.related or {}).get("paragraphs"),
            "changes": changes_between(previous, record) if previous else None,
            "undone_by_revert": changes_between(latest, record) if latest != record else [],
            "can_revert": self.has_change_permission(request, obj),
            "history_url": reverse(self._url_name("history"), args=[obj.pk]),
            **(extra_context or {}),
        }
        return render(request, "admin/articles/revision.html", context)

    def _url_name(self, view: str) -> str:
        return f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"


# --- Articles --------------------------------------------------------------------------------


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
            return _("missing")
        if paragraph.vi_changed_at > paragraph.en_changed_at:
            return _("stale: the Vietnamese changed after the English")
        return _("up to date")


HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Article)
class ArticleAdmin(RevisionAdmin):
    form = ArticleForm
    formfield_overrides = HTTPS_URLS
    list_display = [
        "title_vi",
        "status",
        "published_at",
        "translation_state",
        "source",
        "needs_review",
    ]
    list_filter = ["status", "needs_review", "translation", "source", CategoryListFilter]
    search_fields = ["title_vi", "title_en", "lead_vi", "lead_en"]
    date_hierarchy = "published_at"
    list_select_related = ["source"]
    show_full_result_count = False  # one count per page, not two, on 100,000 articles
    prepopulated_fields = {"slug": ["title_vi"]}
    autocomplete_fields = ["source", "tags"]
    inlines = [ParagraphInline]
    readonly_fields = ["translation_summary", "suggested_tags"]
    actions = ["publish", "unpublish", "relink", "add_to_category"]
    fieldsets = [
        (None, {"fields": [("title_vi", "title_en"), "slug", "needs_review"]}),
        (_("Lead"), {"fields": [("lead_vi", "lead_en")]}),
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
        (_("Translation"), {"fields": ["translation_summary"]}),
    ]

    class Media:
        css = {"all": ["css/admin-editing.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).without_search_columns()

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="articles_article_import",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("translation"), ordering="translation")
    def translation_state(self, article):
        if article.has_paragraph_mismatch:
            return _("%(state)s (%(translated)d of %(blocks)d)") % {
                "state": article.get_translation_display(),
                "translated": article.translated_block_count,
                "blocks": article.block_count,
            }
        return article.get_translation_display()

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

    def sync_related(self, request, form, formsets, change):
        article = form.instance
        picked = {entity.pk for entity in form.cleaned_data["linked_entities"]}
        editing.set_entities_by_hand(article, picked)
        editing.set_categories(article, set(form.cleaned_data["categories"]))
        relink_article(article)
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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
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
        count = editing.publish(queryset)
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", count) % count
        )

    @admin.action(description=_("Unpublish: back to draft"))
    def unpublish(self, request, queryset):
        count = editing.unpublish(queryset)
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
        )

    @admin.action(description=_("Re-link entities"))
    def relink(self, request, queryset):
        count = editing.relink_articles(queryset.values_list("pk", flat=True))
        self.message_user(
            request, ngettext("%d article re-linked.", "%d articles re-linked.", count) % count
        )

    @admin.action(description=_("Add to a category…"))
    def add_to_category(self, request, queryset):
        form = AddToCategoryForm(request.POST if "category" in request.POST else None)
        if form.is_bound and form.is_valid():
            category = form.cleaned_data["category"]
            count = editing.add_to_category(queryset, category)
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
        return render(
            request,
            "admin/articles/article/add_to_category.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Add articles to a category"),
                "opts": self.model._meta,
                "form": form,
                "articles": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def import_view(self, request):
        """Upload raw files and their translations: the importer's per-file report."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportFilesForm(request.POST or None, request.FILES or None)
        report, summary = [], ""
        if request.method == "POST" and form.is_valid():
            outcomes = import_uploads(
                form.cleaned_data["files"], publish=form.cleaned_data["publish"]
            )
            report = [(outcome, describe(outcome)) for outcome in outcomes]
            summary = summarize(outcomes)
        return render(
            request,
            "admin/articles/article/import.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import scraped articles"),
                "opts": self.model._meta,
                "form": form,
                "report": report,
                "summary": summary,
            },
        )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Sources, with their feeds: what `manage.py fetch_feeds` last did with each one."""

    formfield_overrides = HTTPS_URLS
    list_display = [
        "name",
        "language",
        "feed_state",
        "last_success_at",
        "last_error_at",
        "last_items",
        "article_count",
    ]
    list_filter = ["language"]
    search_fields = ["name", "url", "feed_url"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        *("feed_state", "last_fetched_at", "last_success_at", "last_error_at", "last_error"),
        *("next_fetch_at", "last_items", "article_count"),
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "url"]}),
        (
            _("Feed"),
            {
                "fields": ["feed_url", "language", "default_status", "fetch_every"],
                "description": _(
                    "New items of the feed become articles with this status. Articles from "
                    "an English feed keep a copy of the English where the Vietnamese goes, "
                    "until an editor translates them."
                ),
            },
        ),
        (
            _("Fetching"),
            {
                "fields": [
                    ("feed_state", "next_fetch_at"),
                    ("last_fetched_at", "last_success_at"),
                    ("last_error_at", "last_error"),
                    ("last_items", "article_count"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, source):
        return getattr(source, "article_count", None) or 0

    @admin.display(description=_("feed"))
    def feed_state(self, source):
        if not source.feed_url:
            return _("no feed")
        if source.failures:
            return _("failing (%(count)d in a row)") % {"count": source.failures}
        if source.last_success_at is None:
            return _("not fetched yet")
        return _("working")

    @admin.display(description=_("last fetch brought"))
    def last_items(self, source):
        counts = source.last_counts or {}
        if counts.get("not_modified"):
            return _("nothing new (not modified)")
        if "items" not in counts:
            return "—"
        done = ", ".join(
            f"{counts[status]} {label}"
            for status, label in (
                ("created", _("created")),
                ("updated", _("updated")),
                ("unchanged", _("unchanged")),
                ("skipped", _("skipped")),
                ("refused", _("refused")),
            )
            if counts.get(status)
        )
        items = ngettext("%d item", "%d items", counts["items"]) % counts["items"]
        return f"{items}: {done}" if done else items


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "slug", "article_count"]
    search_fields = ["name_vi", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, tag):
        return tag.article_count

    def delete_model(self, request, tag):
        forget_after_delete(super().delete_model, request, tag, "tag_ids")

    def delete_queryset(self, request, queryset):
        forget_after_bulk_delete(super().delete_queryset, request, queryset, "tag_ids")


# --- Entities --------------------------------------------------------------------------------


def report_relinked(model_admin, request, entity: Entity, relinked: editing.Relinked) -> None:
    linked = ngettext(
        "%(entity)s is linked in %(linked)d article (%(count)d re-linked).",
        "%(entity)s is linked in %(linked)d articles (%(count)d re-linked).",
        relinked.linked,
    ) % {"entity": entity, "linked": relinked.linked, "count": relinked.count}
    if not relinked.left:
        model_admin.message_user(request, linked)
        return
    left = _(
        "%(left)d older articles may name it too: re-link them with "
        "“manage.py relink_entities %(slug)s”."
    ) % {"left": relinked.left, "slug": entity.slug}
    model_admin.message_user(request, f"{linked} {left}", messages.WARNING)


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 1


@admin.register(Entity)
class EntityAdmin(RevisionAdmin):
    list_display = ["name_en", "name_vi", "kind", "slug", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_vi", "aliases__text", "slug"]
    ordering = ["name_en"]  # explicit: the article counts group the rows
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [EntityAliasInline]
    actions = ["merge"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(article_count=Count("mentions", distinct=True))
        )

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, entity):
        return entity.article_count

    def sync_related(self, request, form, formsets, change):
        """A new name or alias links the articles that name it; a name taken away unlinks
        the articles that named it only by that name."""
        names = {"name_vi", "name_en"}
        if (
            change
            and not names & set(form.changed_data)
            and not any(formset.has_changed() for formset in formsets)
        ):
            return
        relinked = editing.relink_entity(form.instance, limit=editing.RELINK_AT_ONCE)
        report_relinked(self, request, form.instance, relinked)

    def delete_model(self, request, entity):
        forget_after_delete(super().delete_model, request, entity, "entity_ids")

    def delete_queryset(self, request, queryset):
        forget_after_bulk_delete(super().delete_queryset, request, queryset, "entity_ids")

    @admin.action(description=_("Merge the selected entities into one…"))
    def merge(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("Select two entities or more to merge."), messages.ERROR)
            return None
        form = MergeEntitiesForm(
            request.POST if "target" in request.POST else None, entities=queryset
        )
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            others = [entity for entity in queryset if entity.pk != target.pk]
            relinked = editing.merge_entities(target, others)
            self.message_user(
                request,
                _("Merged %(others)s into %(target)s; %(count)d article(s) re-linked.")
                % {
                    "others": ", ".join(map(str, others)),
                    "target": target,
                    "count": relinked,
                },
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/articles/entity/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge entities"),
                "opts": self.model._meta,
                "form": form,
                "entities": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


# --- Categories ------------------------------------------------------------------------------


def rule_matches(articles) -> str:
    """How many articles a rule selects, and the latest of them, as HTML for the admin."""
    sample = articles.without_search_columns().latest_first()[:RULE_SAMPLE_SIZE]
    return render_to_string(
        "admin/articles/category/_matches.html",
        {"count": articles.count(), "sample": sample},
    )


@admin.register(Category)
class CategoryAdmin(RevisionAdmin):
    list_display = ["name_vi", "name_en", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name_vi", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["matches"]
    autocomplete_fields = list(Category.RULE_FIELDS)
    fieldsets = [
        (None, {"fields": ["name_vi", "name_en", "slug", "position"]}),
        (_("Description"), {"fields": ["description_vi", "description_en"]}),
        (
            _("Rule: articles with ANY of"),
            {"fields": ["any_tags", "any_entities"]},
        ),
        (_("…and ALL of (optional)"), {"fields": ["all_tags", "all_entities"]}),
        (_("…but NONE of"), {"fields": ["exclude_tags", "exclude_entities"]}),
        (_("By hand"), {"fields": ["pinned_articles", "excluded_articles"]}),
        (_("What the saved rule selects"), {"fields": ["matches"]}),
    ]

    def get_queryset(self, request):
        members = RawSQL(
            "SELECT count(*) FROM articles_article "
            "WHERE category_ids @> ARRAY[articles_category.id]",
            (),
        )
        return super().get_queryset(request).annotate(article_count=members)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="articles_category_preview"),
            path("<path:object_id>/preview/", preview, name="articles_category_preview"),
            *super().get_urls(),
        ]

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, category):
        return category.article_count

    @admin.display(description=_("matches"))
    def matches(self, category):
        if not category.pk:
            return _("Preview the rule, or save it, to see what it selects.")
        return rule_matches(Article.objects.selected_by(category))

    def preview_view(self, request, object_id=None):
        """What the rule as typed in the form selects, before it is saved."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        category = None
        if object_id is not None:
            category = self.get_object(request, unquote(object_id))
            if category is None:
                raise Http404
        form = CategoryRuleForm(request.POST or request.GET)
        matches = (
            rule_matches(Article.objects.matching_rule(form.rule())) if form.is_valid() else ""
        )
        return render(
            request,
            "admin/articles/category/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": _("What this rule selects"),
                "opts": self.model._meta,
                "category": category,
                "form": form,
                "matches": matches,
            },
        )

    def sync_related(self, request, form, formsets, change):
        refresh_membership([form.instance])

    def delete_model(self, request, category):
        forget_after_delete(super().delete_model, request, category, "category_ids")

    def delete_queryset(self, request, queryset):
        forget_after_bulk_delete(super().delete_queryset, request, queryset, "category_ids")


@admin.register(EntitySuggestion)
class EntitySuggestionAdmin(admin.ModelAdmin):
    list_display = ["text", "language", "kind", "occurrences", "article_count", "status", "entity"]
    list_filter = ["status", "kind", "language"]
    list_editable = ["kind", "entity"]
    search_fields = ["text"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["occurrences", "article_count", "status"]
    actions = ["approve", "reject"]

    @admin.action(description=_("Approve: new entity, or alias of the chosen entity"))
    def approve(self, request, queryset):
        for suggestion in queryset.exclude(status=EntitySuggestion.Status.APPROVED):
            entity, relinked = approve_suggestion(suggestion)
            self.message_user(
                request,
                _("“%(name)s” now links to %(entity)s.") % {"name": suggestion, "entity": entity},
            )
            report_relinked(self, request, entity, relinked)

    @admin.action(description=_("Reject: never propose again"))
    def reject(self, request, queryset):
        rejected = reject_suggestions(queryset)
        self.message_user(
            request, _("%(count)d suggestion(s) rejected.") % {"count": rejected}, messages.SUCCESS
        )
