from django import template

from jamportal.kits import services
from jamportal.kits.models import KitRequest

register = template.Library()


@register.simple_tag
def jam_kit(jam, user):
    """For a Jam's page: its kit request (for its organiser) and whether one can be asked for."""
    if not user.is_authenticated or jam.organiser_id != user.pk:
        return {}
    kit_request = KitRequest.objects.filter(jam=jam).first()
    return {"request": kit_request, "can_request": not kit_request and not services.kit_request_eligibility(jam, user)}
