"""The athlete's Load and Flags pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from triage import charts
from triage.load import load_report
from triage.models import Flag, FlagStatus
from triage.rules import Severity

CHART_DAYS = 90


@login_required
def load_page(request):
    report = load_report(request.user, CHART_DAYS)
    context = {
        "report": report,
        "today": report["today"],
        "load_chart": charts.load_chart(report),
        "acwr_chart": charts.acwr_chart(report),
        "weeks": charts.week_comparison(report["days"]),
        "recent_days": report["days"][-14:],
    }
    return render(request, "triage/load.html", context)


def worst_first(flags):
    """Open flags first, then by severity, then the most recent."""
    by_rank = [When(severity=s.value, then=Value(s.rank)) for s in Severity]
    return flags.annotate(
        is_open=Case(When(status=FlagStatus.OPEN, then=Value(1)), default=Value(0)),
        rank=Case(*by_rank, output_field=IntegerField()),
    ).order_by("-is_open", "-rank", "-window_end")


@login_required
def flags_page(request):
    flags = list(worst_first(Flag.objects.filter(user=request.user)))
    see_doctor = [
        f for f in flags if f.status == FlagStatus.OPEN and f.severity in ("see_doctor", "urgent")
    ]
    return render(request, "triage/flags.html", {"flags": flags, "see_doctor": see_doctor})


@login_required
@require_POST
def acknowledge(request, pk):
    flag = get_object_or_404(Flag, pk=pk, user=request.user)
    if flag.status == FlagStatus.OPEN:
        flag.status = FlagStatus.ACKNOWLEDGED
        flag.save(update_fields=["status", "updated_at"])
    if request.htmx:
        return render(request, "triage/partials/flag.html", {"flag": flag})
    messages.success(request, "Marked as seen.")
    return redirect("flags")
