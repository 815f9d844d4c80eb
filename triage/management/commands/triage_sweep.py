import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from triage import engine


class Command(BaseCommand):
    help = (
        "Evaluate now, in this process, the athletes the periodic sweep would: those whose "
        "log changed since their last evaluation or who were not evaluated for a day."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--user", metavar="NAME", help="Evaluate only this username.")
        who.add_argument("--all", action="store_true", help="Evaluate every active athlete.")

    def handle(self, *args, user=None, all=False, **options):
        started = time.perf_counter()
        user_ids = None
        if user:
            found = get_user_model().objects.filter(username=user).values_list("pk", flat=True)
            if not found:
                raise CommandError(f"No user is called {user!r}.")
            user_ids = list(found)
        outcome = engine.sweep(everyone=all, user_ids=user_ids)
        self.stdout.write(
            f"Evaluated {outcome.users} users: {outcome.flags_created} flags created, "
            f"{outcome.flags_updated} updated, in {time.perf_counter() - started:.2f} s."
        )
