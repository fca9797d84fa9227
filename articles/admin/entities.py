"""Entities with their aliases, merging them, and the suggestions the NER queues."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin.base import RevisionAdmin, intermediate_page
from articles.derived import RELINK_AT_ONCE, Relinked, relink_entity
from articles.entities.merging import merge_entities
from articles.entities.suggestions import approve_suggestion, reject_suggestions
from articles.forms import MergeEntitiesForm
from articles.models import Entity, EntityAlias, EntitySuggestion


def report_relinked(model_admin, request, entity: Entity, relinked: Relinked) -> None:
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
        relinked = relink_entity(form.instance, limit=RELINK_AT_ONCE)
        report_relinked(self, request, form.instance, relinked)

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
            relinked = merge_entities(target, others)
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
        return intermediate_page(
            self,
            request,
            "admin/articles/entity/merge.html",
            _("Merge entities"),
            form,
            entities=queryset,
        )


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
