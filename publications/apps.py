from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Stored list entries follow their rows (publications/entries.py).
        from publications import signals

        signals.connect()
