from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: large-data generation, backup/export/restore, request ids, replicas."""

    name = "accord.ops"
    label = "ops"
    verbose_name = "Operations"
