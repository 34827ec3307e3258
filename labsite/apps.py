from django.apps import AppConfig


class LabsiteConfig(AppConfig):
    name = "labsite"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Cache invalidation is infrastructure, not domain flow: any save or delete of content
        # bumps the page cache's content version (labsite/cache.py).
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_delete,
            pre_save,
        )

        from labsite.cache import content_changed

        signals = {
            "pre_save": pre_save,
            "post_save": post_save,
            "pre_delete": pre_delete,
            "post_delete": post_delete,
            "m2m_changed": m2m_changed,
        }
        for name, signal in signals.items():
            signal.connect(content_changed, dispatch_uid=f"labsite-page-cache-{name}")

        from django.test.signals import setting_changed

        from labsite.cache import settings_changed

        setting_changed.connect(settings_changed, dispatch_uid="labsite-page-cache-settings")
