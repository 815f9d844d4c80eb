from triage.models import Flag
from triage.rules import Severity


def open_flags(request):
    """For the banner on every page: how many flags the athlete has not seen yet,
    and whether the guidance says to see a doctor about any of them."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    severities = list(
        Flag.objects.filter(user=request.user).unseen().values_list("severity", flat=True)
    )
    return {
        "open_flag_count": len(severities),
        "open_flag_see_doctor": any(Severity(s).sees_doctor for s in severities),
    }
