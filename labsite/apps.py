from django.apps import AppConfig


class LabsiteConfig(AppConfig):
    name = "labsite"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"
