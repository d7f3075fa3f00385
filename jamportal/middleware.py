"""Response headers Django has no setting for."""

from django.conf import settings


def permissions_policy(get_response):
    """Tells browsers which powerful features (camera, location...) pages may use."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def private_when_signed_in(get_response):
    """Nothing sent to a signed-in person is kept by their browser or any cache
    on the way: their pages hold their own data (the dashboard, a booth's token
    shown once, the data download), and even the public pages show their menu.
    The page cache (pagecache.py) marks pages public only for visitors without
    a session, so this overrides nothing it serves as public. Placed after the
    authentication middleware, to see who is signed in."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware
