from django.contrib.auth import views as auth_views
from django.urls import path

from logbook import password_reset, pwa, views

urlpatterns = [
    path("", views.today, name="today"),
    path("log/water/", views.add_water, name="quick_water"),
    path("log/<slug:kind>/", views.log_entry, name="log_entry"),
    path("log/<slug:kind>/<uuid:pk>/", views.log_entry, name="edit_entry"),
    path("log/<slug:kind>/<uuid:pk>/delete/", views.delete_entry, name="delete_entry"),
    path("history/", views.history, name="history"),
    path("episodes/", views.episodes, name="episodes"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/password/", views.password_change, name="password_change"),
    path("settings/token/revoke/", views.revoke_token, name="revoke_token"),
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
