"""Test data. Each factory makes a valid row; tests override what they pin."""

import uuid
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from logbook import models

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


def an_hour_ago():
    return timezone.now() - timedelta(hours=1)


class EntryFactory(factory.django.DjangoModelFactory):
    id = factory.LazyFunction(uuid.uuid4)
    user = factory.SubFactory(UserFactory)


class WorkoutFactory(EntryFactory):
    class Meta:
        model = models.Workout

    started_at = factory.LazyFunction(an_hour_ago)
    duration_min = 45
    kind = models.WorkoutKind.RUN
    rpe = 6


class HydrationFactory(EntryFactory):
    class Meta:
        model = models.HydrationEntry

    taken_at = factory.LazyFunction(an_hour_ago)
    volume_ml = 500


class EpisodeFactory(EntryFactory):
    class Meta:
        model = models.TwitchEpisode

    started_at = factory.LazyFunction(an_hour_ago)
    duration_s = 30
    kind = models.EpisodeKind.CRAMP
    body_region = models.BodyRegion.CALF
    side = models.Side.LEFT
    pain = 4
    timing = models.Timing.RIGHT_AFTER


class CheckinFactory(EntryFactory):
    class Meta:
        model = models.DailyCheckin

    date = factory.LazyFunction(lambda: timezone.now().date())
    sleep_hours = 7.5
    caffeine_mg = 150
    stress = 3
