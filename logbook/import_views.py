"""The import page: upload workout files, watch them import, read what became
of each. (The API's twin is logbook/api/imports.py; both hand the files to
logbook/importing.py through logbook/tasks.py.)"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from logbook import tasks
from logbook.forms import ImportForm
from logbook.models import ImportJob


def import_form(request) -> ImportForm:
    posted = request.method == "POST"
    return ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_files=settings.IMPORT_MAX_FILES,
        max_bytes=settings.IMPORT_MAX_BYTES,
    )


@login_required
def import_page(request):
    form = import_form(request)
    if request.method == "POST":
        if form.is_valid():
            job = tasks.start_import(
                request.user,
                form.cleaned_data["files"],
                include_duplicates=form.cleaned_data["include_duplicates"],
            )
            return redirect("import_job", pk=job.pk)
        return render(request, "logbook/import.html", {"form": form}, status=400)
    recent = ImportJob.objects.filter(user=request.user)[:5]
    return render(request, "logbook/import.html", {"form": form, "recent": recent})


@login_required
@require_GET
def import_job(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    template = "logbook/partials/import_job.html" if request.htmx else "logbook/import_job.html"
    return render(request, template, {"job": job})
