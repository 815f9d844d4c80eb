"""POST /api/v1/imports/: workout files from other apps; GET one to see how it went.

Small uploads are imported before the answer (201, with each file's report);
larger ones by a worker (202): poll the `status_url` until `status` is
"done" or "failed".
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from logbook import tasks
from logbook.forms import ImportForm
from logbook.models import ImportJob, ImportStatus


class FileReportSerializer(serializers.Serializer):
    name = serializers.CharField()
    format = serializers.CharField(help_text="strong, hevy, fit, tcx, gpx or apple_health.")
    found = serializers.IntegerField(help_text="Sessions in the file.")
    imported = serializers.IntegerField()
    already = serializers.IntegerField(help_text="Imported before: nothing new.")
    duplicates = serializers.ListField(
        child=serializers.CharField(),
        help_text="Likely duplicates of workouts already logged, skipped.",
    )
    duplicates_included = serializers.IntegerField()
    estimated = serializers.IntegerField(help_text="Imported with an estimated RPE.")
    left_out = serializers.ListField(child=serializers.CharField())
    duration_basis = serializers.CharField(help_text='"elapsed" or "timer" time.')
    error = serializers.CharField(
        help_text="Why the whole file was refused; then nothing of it was saved."
    )


class ImportJobSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    files_total = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "status_url",
            "include_duplicates",
            "files_total",
            "files_done",
            "files",
            "created_at",
            "finished_at",
        ]

    def get_status_url(self, job) -> str:
        return reverse("api-import", args=[job.pk], request=self.context.get("request"))

    def get_files_total(self, job) -> int:
        return len(job.files)

    @extend_schema_field(FileReportSerializer(many=True))
    def get_files(self, job) -> list:
        # Waiting files show their name only; the place on disk is the server's.
        return [entry if "found" in entry else {"name": entry["name"]} for entry in job.files]


class ImportsView(APIView):
    """Import workout files (multipart, field `files`, one or more), or list recent imports."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "ImportRequest",
                {
                    "files": serializers.ListField(child=serializers.FileField()),
                    "include_duplicates": serializers.BooleanField(required=False),
                },
            )
        },
        responses={201: ImportJobSerializer, 202: ImportJobSerializer},
    )
    def post(self, request):
        form = ImportForm(
            request.data,
            request.FILES,
            max_files=settings.IMPORT_MAX_FILES,
            max_bytes=settings.IMPORT_MAX_BYTES,
        )
        if not form.is_valid():
            raise ValidationError(form.errors)
        job = tasks.start_import(
            request.user,
            form.cleaned_data["files"],
            include_duplicates=form.cleaned_data["include_duplicates"],
        )
        body = ImportJobSerializer(job, context={"request": request}).data
        done = job.status == ImportStatus.DONE
        return Response(body, status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ImportJobSerializer(many=True))
    def get(self, request):
        jobs = ImportJob.objects.filter(user=request.user)[:20]
        return Response(ImportJobSerializer(jobs, many=True, context={"request": request}).data)


class ImportView(APIView):
    """How an import is going, and, once done, what became of each file."""

    @extend_schema(responses=ImportJobSerializer)
    def get(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk, user=request.user)
        return Response(ImportJobSerializer(job, context={"request": request}).data)
