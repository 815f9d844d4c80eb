"""The review desk: a queue of flags worst first, each with its evidence in context,
and decisions that are recorded for good.

Reviewers (the group made by migration 0004) see the athletes' entries and the
flags, decide on flags, and read the decisions; they add, edit and delete
nothing. Nobody, superusers included, can edit or delete a FlagReview here.
"""

import uuid
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from triage import evidence
from triage.models import (
    NOTE_REQUIRED,
    Decision,
    DigestLog,
    EvaluationState,
    Flag,
    FlagReview,
    FlagStatus,
)
from triage.rules import RULE_TITLES, Rule, Severity

TO_REVIEW = [FlagStatus.OPEN, FlagStatus.ESCALATED]


class QueueFilter(admin.SimpleListFilter):
    """The queue: open and escalated flags unless asked otherwise."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("to_review", "To review (open or escalated)"), ("all", "Every flag")]

    def value(self):
        return super().value() or "to_review"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}, ["status__exact"]
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        # Asking for one status shows that status, whatever the queue says.
        if self.value() == "to_review" and "status__exact" not in request.GET:
            return queryset.filter(status__in=TO_REVIEW)
        return queryset


class FlagReviewInline(admin.TabularInline):
    model = FlagReview
    fields = ["created_at", "reviewer", "from_status", "to_status", "note", "shared_with_athlete"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="Why. Needed to escalate or dismiss.",
    )
    shared_with_athlete = forms.BooleanField(
        required=False, label="Show this note to the athlete with the flag"
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.fields["note"].required = decision in NOTE_REQUIRED


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["user", "rule_title", "severity_badge", "window", "age", "status"]
    list_display_links = ["rule_title"]
    list_filter = [QueueFilter, "rule", "severity", "status", "created_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    list_per_page = 50
    readonly_fields = [
        "user",
        "rule",
        "severity",
        "window_start",
        "window_end",
        "status",
        "message",
        "advice",
        "source",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    inlines = [FlagReviewInline]
    actions = ["mark_reviewed", "escalate", "dismiss"]
    change_form_template = "admin/triage/flag/change_form.html"
    change_list_template = "admin/triage/flag/change_list.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    ordering = ["-severity_rank", "created_at"]  # worst first, then the oldest

    def has_add_permission(self, request):
        return False  # flags come from triage, never from a form

    # --- Columns ---------------------------------------------------------------------

    @admin.display(description="rule", ordering="rule")
    def rule_title(self, flag):
        return RULE_TITLES[Rule(flag.rule)].capitalize()

    @admin.display(description="severity", ordering="severity_rank")
    def severity_badge(self, flag):
        return format_html(
            '<span class="severity-badge severity-{}">{}</span>',
            flag.severity,
            flag.get_severity_display(),
        )

    @admin.display(description="window", ordering="window_start")
    def window(self, flag):
        if flag.window_start == flag.window_end:
            return f"{flag.window_start:%d %b %Y}"
        return f"{flag.window_start:%d %b} – {flag.window_end:%d %b %Y}"

    @admin.display(description="age", ordering="created_at")
    def age(self, flag):
        return timesince(flag.created_at)

    # --- Decisions ----------------------------------------------------------------------

    @admin.action(description="Mark reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        return self.decide_many(request, queryset, Decision.REVIEWED)

    @admin.action(description="Escalate (needs a note)", permissions=["change"])
    def escalate(self, request, queryset):
        return self.decide_many(request, queryset, Decision.ESCALATED)

    @admin.action(description="Dismiss (needs a note)", permissions=["change"])
    def dismiss(self, request, queryset):
        return self.decide_many(request, queryset, Decision.DISMISSED)

    def decide_many(self, request, queryset, decision):
        """First ask for the note (a page like "delete selected"), then decide each flag."""
        form = DecisionForm(request.POST if "apply" in request.POST else None, decision=decision)
        if "apply" in request.POST and form.is_valid():
            for flag in queryset:
                flag.decide(
                    request.user,
                    decision,
                    form.cleaned_data["note"],
                    form.cleaned_data["shared_with_athlete"],
                )
            self.message_user(
                request, f"{decision.label}: {len(queryset)} flag(s).", messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{decision.label}: {len(queryset)} flag(s)",
            "flags": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "decision": decision,
        }
        return TemplateResponse(request, "admin/triage/flag/decide_many.html", context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="triage_flag_decide",
            ),
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="triage_flag_dashboard",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id, decision):
        """The buttons on a flag's page: decide, then go on to the next flag in the queue."""
        try:
            flag = get_object_or_404(Flag, pk=uuid.UUID(object_id))
        except ValueError:
            raise Http404("No such flag.") from None
        if request.method != "POST" or not self.has_change_permission(request, flag):
            raise PermissionDenied
        try:
            decision = Decision(decision)
        except ValueError:
            raise PermissionDenied from None
        form = DecisionForm(request.POST, decision=decision)
        if not form.is_valid():
            self.message_user(request, f"{decision.label} needs a note saying why.", messages.ERROR)
            return redirect("admin:triage_flag_change", flag.pk)
        try:
            flag.decide(
                request.user,
                decision,
                form.cleaned_data["note"],
                form.cleaned_data["shared_with_athlete"],
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:triage_flag_change", flag.pk)
        self.message_user(request, f"{decision.label}: {flag}.", messages.SUCCESS)
        following = self.next_in_queue(request, flag)
        if following:
            return redirect("admin:triage_flag_change", following.pk)
        return redirect("admin:triage_flag_changelist")

    def next_in_queue(self, request, after):
        """The worst open flag left; escalated ones wait in the queue for a second look."""
        return (
            self.get_queryset(request)
            .filter(status=FlagStatus.OPEN)
            .exclude(pk=after.pk)
            .order_by(*self.get_ordering(request))
            .first()
        )

    # --- The flag's page ------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        flag = self.get_object(request, object_id)
        extra = {"show_save": False, "show_save_and_continue": False}
        if flag is not None:
            extra.update(
                evidence=evidence.entries(flag),
                figures=evidence.figures(flag),
                context=evidence.timeline(flag),
                decisions=[(decision, DecisionForm(decision=decision)) for decision in Decision],
                can_decide=self.has_change_permission(request, flag),
            )
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    # --- The dashboard -----------------------------------------------------------------------

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        flags = Flag.objects.all()
        open_flags = flags.filter(status=FlagStatus.OPEN)
        by_severity = dict(
            open_flags.values("severity").annotate(n=Count("pk")).values_list("severity", "n")
        )
        oldest = open_flags.aggregate(oldest=Min("created_at"))["oldest"]
        recent = flags.filter(created_at__gte=now - timedelta(days=30))
        by_rule = dict(recent.values("rule").annotate(n=Count("pk")).values_list("rule", "n"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Flags at a glance",
            "by_severity": [
                (s.value, s.label, by_severity.get(s.value, 0)) for s in reversed(list(Severity))
            ],
            "open_total": sum(by_severity.values()),
            "oldest_age": timesince(oldest, now) if oldest else None,
            "by_rule": sorted(
                ((RULE_TITLES[r].capitalize(), by_rule.get(r.value, 0)) for r in Rule),
                key=lambda row: -row[1],
            ),
        }
        return TemplateResponse(request, "admin/triage/flag/dashboard.html", context)


@admin.register(FlagReview)
class FlagReviewAdmin(admin.ModelAdmin):
    """The decision trail: to read, never to change."""

    list_display = [
        "created_at",
        "flag_or_gone",
        "reviewer",
        "from_status",
        "to_status",
        "shared_with_athlete",
    ]
    list_filter = ["to_status", "shared_with_athlete", "created_at"]
    search_fields = ["flag__user__username", "reviewer__username"]
    list_select_related = ["flag__user", "reviewer"]

    @admin.display(description="flag", ordering="flag")
    def flag_or_gone(self, review):
        # A deleted account takes its flags along; the decision stays, without them.
        return review.flag or "(deleted with the athlete's account)"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationState)
class EvaluationStateAdmin(admin.ModelAdmin):
    list_display = ["user", "changed_at", "last_evaluated_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ["user", "iso_year", "iso_week", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "iso_year", "iso_week"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "iso_year",
        "iso_week",
        "status",
        "claim",
        "attempts",
        "error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False
