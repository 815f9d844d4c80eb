"""Project-wide response headers."""

from django.utils.cache import patch_cache_control


class NoStoreForSignedIn:
    """Nothing shown to a signed-in person is kept by a browser's or a proxy's
    HTTP cache: their pages and API answers carry health data, and a shared
    computer's back button or disk must not show it to the next person.

    Every answer to an authenticated request gets `Cache-Control: no-store,
    private`, whether the page or the API (token authentication happens in
    the view; DRF then sets the request's user, which this reads on the way
    out). Static files never reach here (WhiteNoise answers them first), and
    the service worker keeps its offline copies in its own Cache Storage,
    which these headers do not govern.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
