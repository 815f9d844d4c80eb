"""The four kinds of entry, described once so API tests can run over all of them."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from logbook import models
from tests import factories


@dataclass(frozen=True)
class Kind:
    name: str  # the API path segment and the sync key
    model: type
    factory: type
    time_field: str
    valid: dict  # a complete, valid body without id or time
    change: tuple[str, object]  # a field and a new valid value

    @property
    def url(self):
        return f"/api/v1/{self.name}/"

    def detail_url(self, entry_id):
        return f"{self.url}{entry_id}/"

    def body(self, *, when=None, **overrides):
        """A valid JSON body, with a fresh client id unless one is given."""
        if when is None:
            when = timezone.now() - timedelta(hours=1)
        when_value = when.date().isoformat() if self.time_field == "date" else when.isoformat()
        return {"id": str(uuid.uuid4()), self.time_field: when_value, **self.valid, **overrides}


KINDS = [
    Kind(
        "workouts",
        models.Workout,
        factories.WorkoutFactory,
        "started_at",
        {"duration_min": 50, "kind": "strength", "rpe": 7, "warmed_up": True},
        ("rpe", 9),
    ),
    Kind(
        "hydration",
        models.HydrationEntry,
        factories.HydrationFactory,
        "taken_at",
        {"volume_ml": 250, "drink": "electrolyte"},
        ("volume_ml", 750),
    ),
    Kind(
        "episodes",
        models.TwitchEpisode,
        factories.EpisodeFactory,
        "started_at",
        {
            "duration_s": 90,
            "kind": "cramp",
            "body_region": "calf",
            "side": "left",
            "pain": 6,
            "timing": "right_after",
            "relief": ["stretch", "fluids"],
        },
        ("pain", 2),
    ),
    Kind(
        "checkins",
        models.DailyCheckin,
        factories.CheckinFactory,
        "date",
        {"sleep_hours": 6.5, "caffeine_mg": 200, "stress": 5, "ill": False},
        ("stress", 8),
    ),
]
KIND_IDS = [kind.name for kind in KINDS]
