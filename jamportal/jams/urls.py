from django.urls import path

from jamportal.jams import feeds, selectors, views
from jamportal.pagecache import public_page

app_name = "jams"

urlpatterns = [
    path("", views.home, name="home"),
    path("jams/new/", views.jam_create, name="create"),
    path("jams/calendar.ics", feeds.jams_calendar, name="calendar"),
    path("jams/new.atom", public_page(versions=[selectors.PUBLIC_VERSION_KEY])(feeds.NewJamsFeed()), name="atom"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/calendar.ics", feeds.jams_calendar, name="campaign-calendar"),
    path("campaigns/<slug:slug>/poster-<str:size>.pdf", views.campaign_poster, name="campaign-poster"),
    path("resources/", views.resources, name="resources"),
    path("jams/<str:slug>/", views.jam_detail, name="detail"),
    path("jams/<str:slug>/calendar.ics", views.jam_ics, name="ics"),
    path("jams/<str:slug>/flyer.pdf", views.jam_flyer, name="flyer"),
    path("jams/<str:slug>/edit/", views.jam_edit, name="edit"),
    path("jams/<str:slug>/cancel/", views.jam_cancel, name="cancel"),
    path("jams/<str:slug>/translations/", views.jam_translations, name="translations"),
    path(
        "jams/<str:slug>/translations/<str:language>/delete/",
        views.jam_translation_delete,
        name="translation-delete",
    ),
    # --- series ---
    path("jams/<str:slug>/repeat/", views.series_create, name="series-create"),
    path("jams/<str:slug>/move/", views.series_date_move, name="series-move"),
    path("jams/<str:slug>/skip/", views.series_date_skip, name="series-skip"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/calendar.ics", views.series_ics, name="series-ics"),
    path("series/<int:pk>/end/", views.series_end, name="series-end"),
    path("series/<int:pk>/rule/", views.series_rule, name="series-rule"),
    # --- end series ---
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<str:slug>/", views.moderation_jam, name="moderate"),
]

# --- teams ---
urlpatterns += [
    path("jams/<str:slug>/team/", views.team, name="team"),
    path("jams/<str:slug>/team/invitations/<int:pk>/revoke/", views.team_invitation_revoke, name="team-revoke"),
    path("jams/<str:slug>/team/members/<int:pk>/remove/", views.team_member_remove, name="team-remove"),
    path("jams/<str:slug>/team/leave/", views.team_leave, name="team-leave"),
    path("team/join/<str:token>/", views.team_join, name="team-join"),
]
