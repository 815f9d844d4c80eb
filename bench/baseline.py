from functools import cache

from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from logbook.models import TwitchEpisode

BASELINE_USERNAME = "bench-baseline"


@cache
def baseline_user_id():
    return get_user_model().objects.get(username=BASELINE_USERNAME).pk


@csrf_exempt
def insert_one(request):
    """One ORM insert and nothing else: no auth, no parsing, no validation."""
    episode = TwitchEpisode.objects.create(
        user_id=baseline_user_id(),
        started_at=timezone.now(),
        duration_s=30,
        kind="cramp",
        body_region="calf",
        side="left",
        pain=3,
        timing="right_after",
    )
    return JsonResponse({"id": str(episode.pk)}, status=201)
