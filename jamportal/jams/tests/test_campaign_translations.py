"""Campaign names and descriptions in the reader's language: staff enter them in
the admin; pages, lists, feeds, forms and the booth show them, and the original
where there is none."""

import icalendar
import pytest
from django.contrib.auth.models import Permission

from jamportal.jams.models import CampaignTranslation
from jamportal.jams.posters import poster_content
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME_FA = "آخر هفتهٔ بزرگ تولد رزبری جم"
DESCRIPTION_FA = "در جشن تولد همراه ما باشید."
NAME_JA = "ラズベリージャム 大誕生日ウィークエンド"


@pytest.fixture
def campaign():
    campaign = CampaignFactory(name="Big Birthday Weekend", slug="bbw", description="Join the celebrations.")
    CampaignTranslation.objects.create(campaign=campaign, language="fa", name=NAME_FA, description=DESCRIPTION_FA)
    CampaignTranslation.objects.create(campaign=campaign, language="ja", name=NAME_JA, description="")
    return campaign


def test_campaign_page_shows_the_readers_translation_or_the_original(client, campaign):
    persian = client.get("/fa/campaigns/bbw/").content.decode()
    japanese = client.get("/ja/campaigns/bbw/").content.decode()
    german = client.get("/de/campaigns/bbw/").content.decode()

    assert f"<h1><bdi>{NAME_FA}</bdi></h1>" in persian
    assert DESCRIPTION_FA in persian
    assert "Join the celebrations." not in persian
    assert f"<h1><bdi>{NAME_JA}</bdi></h1>" in japanese
    assert "Join the celebrations." in japanese  # no Japanese description: the original
    assert "<h1><bdi>Big Birthday Weekend</bdi></h1>" in german
    assert NAME_FA not in german


def test_lists_jam_pages_and_forms_show_the_translated_name(client, campaign):
    jam = JamFactory(campaign=campaign)
    client.force_login(jam.organiser)

    assert NAME_FA in client.get("/fa/campaigns/").content.decode()
    assert NAME_FA in client.get(f"/fa/jams/{jam.slug}/").content.decode()
    assert NAME_FA in client.get("/fa/dashboard/").content.decode()
    assert NAME_JA in client.get("/ja/jams/new/").content.decode()  # the campaign to choose


def test_campaign_calendar_is_named_in_the_readers_language(client, campaign):
    JamFactory(campaign=campaign)

    persian = icalendar.Calendar.from_ical(client.get("/fa/campaigns/bbw/calendar.ics").content)
    english = icalendar.Calendar.from_ical(client.get("/en/campaigns/bbw/calendar.ics").content)

    assert str(persian["X-WR-CALNAME"]) == NAME_FA
    assert str(english["X-WR-CALNAME"]) == "Big Birthday Weekend"


def test_a_new_translation_changes_that_languages_poster_only(campaign):
    JamFactory(campaign=campaign)
    before = {language: poster_content(campaign, language)[1] for language in ("de", "cy")}

    CampaignTranslation.objects.create(campaign=campaign, language="cy", name="Penwythnos Pen-blwydd Mawr")
    campaign.refresh_from_db()
    del campaign.translations_by_language
    after = {language: poster_content(campaign, language)[1] for language in ("de", "cy")}

    assert after["de"] == before["de"]
    assert after["cy"] != before["cy"]


def test_the_booth_gets_the_name_in_its_jams_language(client, campaign):
    from jamportal.feed import services as feed_services

    jam = JamFactory(campaign=campaign, content_language="fa", languages=["fa"])
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Door")

    config = client.get("/api/booth/config", headers={"authorization": f"Bearer {token}"}).json()

    assert config["campaign"]["name"] == NAME_FA


def test_campaign_list_query_count_does_not_grow_with_translated_campaigns(assert_constant_queries, campaign):
    def more():
        for n in range(2):
            other = CampaignFactory()
            CampaignTranslation.objects.create(campaign=other, language="fa", name=f"کارزار {n}")

    assert_constant_queries("/fa/campaigns/", more)


def test_staff_enter_a_translation_in_the_admin(client, campaign):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_campaign", "change_campaign", "add_campaigntranslation", "change_campaigntranslation"]
        )
    )
    client.force_login(staff)
    existing = list(campaign.translations.order_by("language"))
    form = {
        "name": campaign.name,
        "slug": campaign.slug,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "hashtag": campaign.hashtag,
        "description": campaign.description,
        "translations-TOTAL_FORMS": "3",
        "translations-INITIAL_FORMS": "2",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
    }
    for index, found in enumerate(existing):
        form |= {
            f"translations-{index}-id": found.pk,
            f"translations-{index}-campaign": campaign.pk,
            f"translations-{index}-language": found.language,
            f"translations-{index}-name": found.name,
            f"translations-{index}-description": found.description,
        }
    form |= {
        "translations-2-campaign": campaign.pk,
        "translations-2-language": "cy",
        "translations-2-name": "Penwythnos Pen-blwydd Mawr",
        "translations-2-description": "Ymunwch â'r dathlu.",
    }

    response = client.post(f"/admin/jams/campaign/{campaign.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Penwythnos Pen-blwydd Mawr" in client.get("/cy/campaigns/bbw/").content.decode()
    assert "Ymunwch â&#x27;r dathlu." in client.get("/cy/campaigns/bbw/").content.decode()


def test_the_approval_email_names_the_campaign_in_the_organisers_language(campaign, django_capture_on_commit_callbacks):
    from django.core import mail

    from jamportal.jams import services
    from jamportal.jams.tests.factories import ModeratorFactory

    jam = JamFactory(campaign=campaign, status="submitted", approved_at=None, organiser=UserFactory(language="fa"))

    with django_capture_on_commit_callbacks(execute=True):
        services.jam_approve(jam, by=ModeratorFactory())

    assert NAME_FA in mail.outbox[0].body
    assert "/fa/campaigns/bbw/" in mail.outbox[0].body
