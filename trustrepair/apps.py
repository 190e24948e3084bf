from django.apps import AppConfig


class TrustRepairConfig(AppConfig):
    name = "trustrepair"
    verbose_name = "Accounts"
