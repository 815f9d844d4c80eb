from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from logbook.models import DigestDetail
from triage import digest, mail, weekly
from triage.models import DigestStatus


class Command(BaseCommand):
    help = (
        "Send the weekly digests of a week (by default last week) to everyone who takes "
        "them, each at most once; or, with --dry-run, write them to files instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", metavar="2026-W47", help="The ISO week; last week if left out."
        )
        parser.add_argument("--user", metavar="NAME", help="Only this username.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write the emails as .eml files instead of sending them (and claim nothing).",
        )
        parser.add_argument(
            "--out", default=str(settings.BASE_DIR / "var" / "digests"), help="For --dry-run."
        )

    def handle(self, *args, week=None, user=None, dry_run=False, out=None, **options):
        monday = self.monday(week)
        people = get_user_model().objects.filter(is_active=True).exclude(email="")
        if user:
            people = people.filter(username=user)
            if not people.exists():
                raise CommandError(f"No active user with an email is called {user!r}.")
        else:
            people = people.filter(profile__digest_enabled=True)
        # Nobody gets a summary of a week from before they joined.
        user_ids = weekly.who_joined_by(
            list(people.order_by("pk").values_list("pk", flat=True)), monday
        )
        iso = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"

        if dry_run:
            folder = Path(out) / iso
            folder.mkdir(parents=True, exist_ok=True)
            self.write_files(user_ids, monday, folder)
            self.stdout.write(f"\nWrote {len(user_ids)} digests for {iso} to {folder}.")
            return

        # As the Celery path does: what failed before, or was left "sending" by a
        # sender that died, is tried again with this run's new digests.
        retried = weekly.recover_stuck(timezone.now()) + weekly.failed_to_retry(user_ids, monday)
        claimed = weekly.claim(user_ids, monday)
        to_send = claimed + [log_id for log_id in retried if log_id not in claimed]
        outcome = {}
        for start in range(0, len(to_send), weekly.BATCH):
            for status, ids in weekly.deliver(to_send[start : start + weekly.BATCH]).items():
                outcome[status] = outcome.get(status, 0) + len(ids)
            self.progress(min(start + weekly.BATCH, len(to_send)), len(to_send))
        already = len(user_ids) - len(claimed)
        self.stdout.write(
            f"\n{iso}: {outcome.get(DigestStatus.SENT, 0)} sent, "
            f"{outcome.get(DigestStatus.FAILED, 0)} failed, "
            f"{outcome.get(DigestStatus.SKIPPED, 0)} skipped, {len(set(retried))} retried, "
            f"{already} already claimed before."
        )

    def monday(self, week: str | None) -> date:
        if not week:
            return digest.previous_week_monday(timezone.now().date())
        try:
            year, number = week.upper().split("-W")
            return date.fromisocalendar(int(year), int(number), 1)
        except ValueError:
            raise CommandError(f"--week wants an ISO week like 2026-W47, not {week!r}.") from None

    def write_files(self, user_ids, monday, folder: Path):
        User = get_user_model()
        for start in range(0, len(user_ids), weekly.BATCH):
            batch = user_ids[start : start + weekly.BATCH]
            weeks = digest.load_weeks(batch, monday)
            for person in User.objects.filter(pk__in=batch).select_related("profile"):
                private = person.profile.digest_detail == DigestDetail.PRIVATE
                message = mail.digest_message(
                    person, digest.summarise(weeks[person.pk]), private=private
                )
                (folder / f"{person.username}.eml").write_bytes(message.message().as_bytes())
            self.progress(min(start + weekly.BATCH, len(user_ids)), len(user_ids))

    def progress(self, done: int, total: int):
        width = 30
        filled = width * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
