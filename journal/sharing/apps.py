from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "journal.sharing"
    label = "sharing"
    verbose_name = "Sharing"
