"""Factories for the foundation's models (Faker's en_GB locale, all data synthetic)."""

from __future__ import annotations

from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.models import Agency, Role, Team, User
from lantern.core.models import Code

PASSWORD = "violet-harbour-quartz-58"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    agency_type = factory.LazyFunction(
        lambda: Code.objects.in_list("agency_type").get(code="childrens_social_care")
    )

    @classmethod
    def _create(cls, model_class: type[Agency], *args: Any, **kwargs: Any) -> Agency:
        kind = kwargs.pop("kind", None)
        if kind:
            kwargs["agency_type"] = Code.objects.in_list("agency_type").get(code=kind)
        return super()._create(model_class, *args, **kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.roles.set(Role.objects.filter(code__in=extracted))

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create and extracted is not False:
            TOTPDevice.objects.create(user=self, name="Test", confirmed=True)
        self.save()
