from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save


class LogbookConfig(AppConfig):
    name = "logbook"
    verbose_name = "Logbook"

    def ready(self):
        from logbook import reminder_views, signals
        from logbook.models import ENTRY_MODELS

        for model in ENTRY_MODELS:
            post_save.connect(signals.entry_saved, sender=model, dispatch_uid=f"saved-{model}")
            post_delete.connect(
                signals.entry_deleted, sender=model, dispatch_uid=f"deleted-{model}"
            )
        post_save.connect(
            signals.create_profile, sender=settings.AUTH_USER_MODEL, dispatch_uid="create-profile"
        )
        post_delete.connect(
            signals.account_deleted,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="withdraw-announcements-of-deleted-account",
        )
        user_logged_out.connect(
            reminder_views.forget_phone_on_logout, dispatch_uid="forget-phone-on-logout"
        )
        post_save.connect(
            signals.revoke_token_on_new_password,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="revoke-token-on-new-password",
        )
