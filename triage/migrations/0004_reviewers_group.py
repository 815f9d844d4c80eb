"""The Reviewers group, with exactly the permissions a flag reviewer needs.

They may view athletes' entries and profiles, view flags and decide on them
(change), and view the decisions; they may add or delete nothing.
"""

from django.db import migrations

REVIEWER_PERMISSIONS = [
    ("logbook", "view_workout"),
    ("logbook", "view_hydrationentry"),
    ("logbook", "view_twitchepisode"),
    ("logbook", "view_dailycheckin"),
    ("logbook", "view_profile"),
    ("triage", "view_flag"),
    ("triage", "change_flag"),
    ("triage", "view_flagreview"),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are made after migrations; make these apps' now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Reviewers")
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in REVIEWER_PERMISSIONS
        ]
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Reviewers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("logbook", "0002_profile_digest_detail"),
        ("triage", "0003_flagreview"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
