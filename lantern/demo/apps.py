from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lantern.demo"
    label = "demo"
    verbose_name = "Synthetic demo partnership"
