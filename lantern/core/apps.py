from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lantern.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models import Field, ForeignObject  # noqa: PLC0415

        from lantern.core.lookups import AnyOf  # noqa: PLC0415

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # keeps lookups of its own
