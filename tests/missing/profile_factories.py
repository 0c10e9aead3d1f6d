"""A Philomena profile straight to the state the access tests need."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from lantern.missing.models import MissingProfile
from lantern.missing.models.profile import private_media


def profile_with_photo(child: Any, reviewer: Any) -> MissingProfile:
    """A profile with a photo straight into the database (no audit or chronology entry)."""
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(buffer, format="JPEG")
    name = private_media().save("missing-profiles/test.jpg", ContentFile(buffer.getvalue()))
    return MissingProfile.objects.create(
        child=child,
        reviewed_at=timezone.now(),
        reviewed_by=reviewer,
        photo=name,
        photo_taken_on=date(2026, 1, 1),
    )
