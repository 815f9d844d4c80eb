"""The models own their invariants: validators say why, the database refuses regardless."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from logbook.models import Profile, Workout
from tests import factories

pytestmark = pytest.mark.django_db

# (factory, field, a value the database must refuse)
DATABASE_REFUSES = [
    (factories.WorkoutFactory, "duration_min", 0),
    (factories.WorkoutFactory, "duration_min", 1441),
    (factories.WorkoutFactory, "rpe", 11),
    (factories.WorkoutFactory, "distance_km", -1.0),
    (factories.WorkoutFactory, "avg_hr", 20),
    (factories.WorkoutFactory, "kind", "yoga"),
    (factories.WorkoutFactory, "notes", "x" * 2001),
    (factories.WorkoutFactory, "started_at", datetime(1999, 12, 31, tzinfo=UTC)),
    (factories.HydrationFactory, "volume_ml", 5001),
    (factories.HydrationFactory, "drink", "beer"),
    (factories.EpisodeFactory, "duration_s", 86401),
    (factories.EpisodeFactory, "pain", 11),
    (factories.EpisodeFactory, "count", 0),
    (factories.EpisodeFactory, "kind", "tic"),
    (factories.EpisodeFactory, "body_region", "elbow"),
    (factories.EpisodeFactory, "side", "middle"),
    (factories.EpisodeFactory, "timing", "never"),
    (factories.CheckinFactory, "sleep_hours", 25.0),
    (factories.CheckinFactory, "caffeine_mg", 2001),
    (factories.CheckinFactory, "stress", 11),
    (factories.CheckinFactory, "date", datetime(1999, 12, 31).date()),
]


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    DATABASE_REFUSES,
    ids=[f"{f._meta.model.__name__}-{field}-{str(v)[:10]}" for f, field, v in DATABASE_REFUSES],
)
def test_the_database_refuses_out_of_range_values_that_skip_validation(factory, field, value):
    entry = factory()

    with pytest.raises(IntegrityError), transaction.atomic():
        type(entry).objects.filter(pk=entry.pk).update(**{field: value})


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    DATABASE_REFUSES,
    ids=[f"{f._meta.model.__name__}-{field}-{str(v)[:10]}" for f, field, v in DATABASE_REFUSES],
)
def test_model_validation_names_the_field(factory, field, value):
    entry = factory.build(user=factories.UserFactory())
    setattr(entry, field, value)

    with pytest.raises(ValidationError) as caught:
        entry.full_clean()

    assert field in caught.value.message_dict


def test_the_database_refuses_a_second_check_in_for_a_day():
    first = factories.CheckinFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CheckinFactory(user=first.user, date=first.date)


def test_workout_load_is_computed_by_the_database():
    workout = factories.WorkoutFactory(rpe=7, duration_min=60)
    assert workout.load == 420

    Workout.objects.filter(pk=workout.pk).update(rpe=3)
    workout.refresh_from_db()
    assert workout.load == 180

    workout.duration_min = 10
    workout.save()
    assert workout.load == 30


def test_every_user_gets_a_profile_with_defaults():
    user = factories.UserFactory()

    profile = Profile.objects.get(user=user)

    assert (profile.timezone, profile.units, profile.daily_fluid_target_ml) == (
        "UTC",
        "metric",
        2000,
    )
    assert profile.digest_enabled is True


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../../etc/passwd", "", "utc+2"])
def test_a_profile_needs_a_real_time_zone(name):
    profile = factories.UserFactory().profile
    profile.timezone = name

    with pytest.raises(ValidationError) as caught:
        profile.full_clean()

    assert "timezone" in caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [("daily_fluid_target_ml", 499), ("daily_fluid_target_ml", 8001), ("birth_year", 1899)],
)
def test_profile_ranges_hold_in_validation_and_in_the_database(field, value):
    profile = factories.UserFactory().profile
    setattr(profile, field, value)

    with pytest.raises(ValidationError):
        profile.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(**{field: value})


def test_a_birth_year_in_the_future_is_refused():
    profile = factories.UserFactory().profile
    profile.birth_year = datetime.now(UTC).year + 1

    with pytest.raises(ValidationError) as caught:
        profile.full_clean()

    assert "birth_year" in caught.value.message_dict


def test_deleting_a_user_deletes_everything_they_logged():
    episode = factories.EpisodeFactory()
    user = episode.user

    user.delete()

    assert not type(episode).objects.filter(pk=episode.pk).exists()
    assert not Profile.objects.filter(user_id=user.pk).exists()
