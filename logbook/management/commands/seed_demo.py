from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from logbook import demo


class Command(BaseCommand):
    help = f"Create the demo athlete '{demo.USERNAME}' with {demo.WEEKS} weeks of history."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even with DEBUG off (not for real sites)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo adds an account with a published password; with DEBUG off, "
                "pass --force if you really want it."
            )
        # The history ends yesterday, so that today is free for the visitor to log.
        yesterday = timezone.now().astimezone(demo.ZoneInfo(demo.TIMEZONE)).date() - timedelta(
            days=1
        )
        if demo.seed_demo(yesterday):
            self.stdout.write(
                f"Created '{demo.USERNAME}' (password {demo.PASSWORD}) "
                f"with {demo.WEEKS} weeks of history."
            )
        else:
            self.stdout.write(f"'{demo.USERNAME}' already has a history; nothing to do.")
