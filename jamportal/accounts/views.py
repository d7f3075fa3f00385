from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from jamportal.accounts import services


@require_POST
def language_switch(request):
    """Django's set_language (cookie, then back to the same page in the new
    language), which also remembers a signed-in organiser's choice."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and response.cookies.get(settings.LANGUAGE_COOKIE_NAME):
        services.user_set_language(request.user, language=language)
    return response
