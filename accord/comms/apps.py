from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "accord.comms"
    label = "comms"
