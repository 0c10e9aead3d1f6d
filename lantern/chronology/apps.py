from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "lantern.chronology"
    label = "chronology"
    verbose_name = "Chronology"
