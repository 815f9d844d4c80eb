"""The athlete's "seen" leaves the reviewers' status, and flags learn which rules
raised them.

- A flag the athlete acknowledged was taken off the reviewers' queue. Now
  "seen" is `seen_at`, and the flag stays open for the reviewers: acknowledged
  flags become open, seen when they were last changed. Review records that
  started or ended at "acknowledged" read "open".
- `rules_version`: the flags raised so far are version 1; the recalibrated rules
  (version 2) supersede those they no longer support at each athlete's next
  evaluation (triage/flag_merge.py).
- The one-flag-per-rule-and-window constraint leaves superseded flags out.
"""

import triage.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def acknowledged_becomes_seen(apps, schema_editor):
    Flag = apps.get_model("triage", "Flag")
    FlagReview = apps.get_model("triage", "FlagReview")
    Flag.objects.filter(status="acknowledged").update(status="open", seen_at=F("updated_at"))
    FlagReview.objects.filter(from_status="acknowledged").update(from_status="open")
    FlagReview.objects.filter(to_status="acknowledged").update(to_status="open")


class Migration(migrations.Migration):

    dependencies = [
        ('triage', '0005_flag_severity_rank'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='flag',
            name='flag_one_per_rule_and_window',
        ),
        migrations.RemoveConstraint(
            model_name='flag',
            name='flag_status_choice',
        ),
        migrations.RemoveConstraint(
            model_name='flagreview',
            name='review_from_status_choice',
        ),
        migrations.RemoveConstraint(
            model_name='flagreview',
            name='review_to_status_choice',
        ),
        migrations.AddField(
            model_name='flag',
            name='rules_version',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name='flag',
            name='rules_version',
            field=models.PositiveSmallIntegerField(default=triage.models.current_rules_version),
        ),
        migrations.AddField(
            model_name='flag',
            name='seen_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(acknowledged_becomes_seen, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='flag',
            name='rule',
            field=models.CharField(choices=[('recurring_episodes', 'episodes that keep coming back'), ('long_episode', 'an episode that lasted a long time'), ('persistent_twitching', 'long-term twitching'), ('red_flag_symptoms', 'twitching with weakness or a change in sensation'), ('severe_pain', 'severe pain'), ('load_spike', 'a sharp rise in training load'), ('dehydration_risk', 'episodes after hot or dry days'), ('unexplained_twitching', 'twitching without a known cause'), ('return_after_break', 'a heavy return after a break'), ('no_warmup_pattern', 'episodes after workouts without a warm-up')], max_length=32),
        ),
        migrations.AlterField(
            model_name='flag',
            name='status',
            field=models.CharField(choices=[('open', 'Open'), ('reviewed', 'Reviewed'), ('dismissed', 'Dismissed'), ('escalated', 'Escalated'), ('superseded', 'Superseded by new rules')], default='open', max_length=16),
        ),
        migrations.AlterField(
            model_name='flagreview',
            name='from_status',
            field=models.CharField(choices=[('open', 'Open'), ('reviewed', 'Reviewed'), ('dismissed', 'Dismissed'), ('escalated', 'Escalated'), ('superseded', 'Superseded by new rules')], max_length=16),
        ),
        migrations.AlterField(
            model_name='flagreview',
            name='to_status',
            field=models.CharField(choices=[('open', 'Open'), ('reviewed', 'Reviewed'), ('dismissed', 'Dismissed'), ('escalated', 'Escalated'), ('superseded', 'Superseded by new rules')], max_length=16),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'superseded'), _negated=True), fields=('user', 'rule', 'window_start'), name='flag_one_per_rule_and_window'),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'reviewed', 'dismissed', 'escalated', 'superseded'])), name='flag_status_choice'),
        ),
        migrations.AddConstraint(
            model_name='flagreview',
            constraint=models.CheckConstraint(condition=models.Q(('from_status__in', ['open', 'reviewed', 'dismissed', 'escalated', 'superseded'])), name='review_from_status_choice'),
        ),
        migrations.AddConstraint(
            model_name='flagreview',
            constraint=models.CheckConstraint(condition=models.Q(('to_status__in', ['open', 'reviewed', 'dismissed', 'escalated', 'superseded'])), name='review_to_status_choice'),
        ),
    ]
