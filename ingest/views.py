"""The admin's upload page: raw scraped files and their translations, imported as
`import_articles` imports them, with the same per-file report."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from ingest.files import import_uploads
from ingest.reports import describe, summarize


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportFilesForm(forms.Form):
    files = MultipleFileField(
        allow_empty_file=True,  # the importer refuses it, in its report
        label=capfirst(_("files")),
        help_text=_(
            "Raw scraped articles (NAME.txt), each with its translation (NAME.en.txt) "
            "if there is one."
        ),
    )
    publish = forms.BooleanField(required=False, label=_("publish them at once"))


def import_files(request: HttpRequest) -> HttpResponse:
    """Upload raw files and their translations: the importer's per-file report."""
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied
    form = ImportFilesForm(request.POST or None, request.FILES or None)
    report, summary = [], ""
    if request.method == "POST" and form.is_valid():
        outcomes = import_uploads(form.cleaned_data["files"], publish=form.cleaned_data["publish"])
        report = [(outcome, describe(outcome)) for outcome in outcomes]
        summary = summarize(outcomes)
    return render(
        request,
        "admin/articles/article/import.html",
        {
            **admin.site.each_context(request),
            "title": _("Import scraped articles"),
            "opts": Article._meta,
            "form": form,
            "report": report,
            "summary": summary,
        },
    )
