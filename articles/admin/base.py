"""What every admin page of the newsroom shares: revisions with history and undo, and the
intermediate pages of bulk actions."""

from dataclasses import asdict

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from articles.history import (
    changes_by_record,
    record_first_revision,
    record_revision,
    revert,
    shown_value,
)
from articles.history import revision_changes as changes_between

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def intermediate_page(model_admin, request, template: str, title, form, **context):
    """The page a bulk action shows to ask for more (a category, an entity to merge into)
    before it runs on the selected objects."""
    return render(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            **context,
        },
    )


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
        record_revision([form.instance], reason=self.revision_reason(form), created=not change)

    def sync_related(self, request, form, formsets, change) -> None:
        """Bring the derived data up to date after the object and its rows were saved."""

    def revision_reason(self, form) -> str:
        """Why the object changed, as its revision records it ("" to say nothing)."""
        return ""

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
            revert(record)
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
