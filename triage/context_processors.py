from triage.models import Flag, FlagStatus


def open_flags(request):
    """For the banner on every page: how many flags are open, and whether the
    guidance says to see a doctor about any of them."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    severities = list(
        Flag.objects.filter(user=request.user, status=FlagStatus.OPEN).values_list(
            "severity", flat=True
        )
    )
    return {
        "open_flag_count": len(severities),
        "open_flag_see_doctor": any(s in ("see_doctor", "urgent") for s in severities),
    }
