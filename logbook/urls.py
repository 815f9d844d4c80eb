from django.contrib.auth import views as auth_views
from django.urls import path

from logbook import import_views, password_reset, pwa, reminder_views, views

urlpatterns = [
    path("", views.today, name="today"),
    path("log/water/", views.add_water, name="quick_water"),
    path("log/<slug:kind>/", views.log_entry, name="log_entry"),
    path("log/<slug:kind>/<uuid:pk>/", views.log_entry, name="edit_entry"),
    path("log/<slug:kind>/<uuid:pk>/delete/", views.delete_entry, name="delete_entry"),
    path("history/", views.history, name="history"),
    path("import/", import_views.import_page, name="import"),
    path("import/<uuid:pk>/", import_views.import_job, name="import_job"),
    path("episodes/", views.episodes, name="episodes"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/password/", views.password_change, name="password_change"),
    path("settings/token/revoke/", views.revoke_token, name="revoke_token"),
    path("settings/reminders/new/", reminder_views.reminder_new, name="reminder_new"),
    path("settings/reminders/<uuid:pk>/", reminder_views.reminder_edit, name="reminder_edit"),
    path(
        "settings/reminders/<uuid:pk>/switch/",
        reminder_views.reminder_switch,
        name="reminder_switch",
    ),
    path(
        "settings/reminders/<uuid:pk>/delete/",
        reminder_views.reminder_delete,
        name="reminder_delete",
    ),
    path("settings/reminders/quiet/", reminder_views.quiet_hours, name="quiet_hours"),
    path("settings/push/subscribe/", reminder_views.push_subscribe, name="push_subscribe"),
    path("settings/push/unsubscribe/", reminder_views.push_unsubscribe, name="push_unsubscribe"),
    path("reminders/snooze/<str:token>/", reminder_views.reminder_snooze, name="reminder_snooze"),
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_reset/",
        password_reset.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("outbox/", pwa.outbox, name="outbox"),
    path("session/", pwa.session, name="session"),
]
