from django.utils import timezone


class ActivateProfileTimezone:
    """Show and read times in the signed-in person's own time zone.

    Forms then read "07:30" as 07:30 where the athlete is, and pages show
    their own clock. The API is left alone: it speaks UTC with offsets.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            timezone.activate(request.user.profile.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
