from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "journal.reminders"
    label = "reminders"
    verbose_name = "Reminders"
