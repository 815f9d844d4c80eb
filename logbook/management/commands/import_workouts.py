"""python manage.py import_workouts --user NAME FILE...: import workout files for
one person, with a progress bar, and print what became of each file."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from logbook import importing
from logbook.importing import FileReport


class Command(BaseCommand):
    help = "Import Strong or Hevy CSV, FIT, TCX, GPX or Apple Health files for one person."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The username to import for.")
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--include-duplicates",
            action="store_true",
            help="Also import sessions that look like workouts already logged.",
        )

    def handle(self, *args, user, files, include_duplicates=False, **options):
        person = get_user_model().objects.filter(username=user).select_related("profile").first()
        if person is None:
            raise CommandError(f"No user named {user!r}.")
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        failed = 0
        for path in files:
            with tqdm(
                desc=path.name, unit=" sessions", file=self.stderr, leave=False, disable=None
            ) as bar:
                report = importing.import_file(
                    person,
                    path,
                    path.name,
                    include_duplicates=include_duplicates,
                    progress=bar.update,
                )
            self.stdout.write(describe(report))
            failed += bool(report.error)
        if failed:
            raise CommandError(f"{failed} of {len(files)} files were not imported.")


def describe(report: FileReport) -> str:
    """ "strong.csv (strong): 86 sessions, 85 imported, 0 imported before, ..."."""
    if report.error:
        return f"{report.name}: not imported. {report.error}"
    lines = [
        f"{report.name} ({report.format}): {report.found} sessions, {report.imported} imported, "
        f"{report.already} imported before, {len(report.duplicates)} likely duplicates skipped, "
        f"{report.estimated} with an estimated RPE"
    ]
    lines += [f"  duplicate: {line}" for line in report.duplicates]
    lines += [f"  left out: {line}" for line in report.left_out]
    return "\n".join(lines)
