from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "journal.couples"
    label = "couples"
    verbose_name = "Couple mode"
