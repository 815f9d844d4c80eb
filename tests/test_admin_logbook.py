"""Every logbook model is in the admin, searchable by username and filterable."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from logbook.models import ENTRY_MODELS, Profile
from tests import factories

pytestmark = pytest.mark.django_db

ENTRY_FACTORIES = [
    factories.WorkoutFactory,
    factories.HydrationFactory,
    factories.EpisodeFactory,
    factories.CheckinFactory,
]
FACTORY_IDS = [f._meta.model.__name__ for f in ENTRY_FACTORIES]


@pytest.fixture
def staff_client(client):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    return client


def changelist_url(model):
    return f"/admin/logbook/{model._meta.model_name}/"


@pytest.mark.parametrize("model", [*ENTRY_MODELS, Profile], ids=lambda m: m.__name__)
def test_every_logbook_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("factory", ENTRY_FACTORIES, ids=FACTORY_IDS)
def test_entries_are_searchable_by_username(staff_client, factory):
    factory(user=factories.UserFactory(username="alice"))
    factory(user=factories.UserFactory(username="bob"))

    response = staff_client.get(changelist_url(factory._meta.model), {"q": "alice"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert response.context["cl"].result_list[0].user.username == "alice"


@pytest.mark.parametrize(
    ("factory", "field", "value", "param"),
    [
        (factories.WorkoutFactory, "kind", "swim", "swim"),
        (factories.HydrationFactory, "drink", "coffee", "coffee"),
        (factories.EpisodeFactory, "kind", "spasm", "spasm"),
        (factories.CheckinFactory, "ill", True, "1"),
    ],
    ids=FACTORY_IDS,
)
def test_entries_are_filterable_by_kind(staff_client, factory, field, value, param):
    wanted = factory(**{field: value})
    factory()

    response = staff_client.get(changelist_url(factory._meta.model), {f"{field}__exact": param})

    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


@pytest.mark.parametrize("factory", ENTRY_FACTORIES, ids=FACTORY_IDS)
def test_entries_are_filterable_by_date(staff_client, factory):
    field = factory._meta.model.time_field
    now = timezone.now()
    recent = factory(**{field: now.date() if field == "date" else now})
    old = now - timedelta(days=30)
    factory(**{field: old.date() if field == "date" else old})
    week_ago = now - timedelta(days=7)
    week_ago = week_ago.date().isoformat() if field == "date" else week_ago.isoformat()

    response = staff_client.get(changelist_url(factory._meta.model), {f"{field}__gte": week_ago})

    assert [row.pk for row in response.context["cl"].result_list] == [recent.pk]


def test_athletes_cannot_open_the_admin(client, athlete):
    client.force_login(athlete)

    response = client.get(changelist_url(ENTRY_MODELS[0]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
