"""Keeping a child's Philomena profile up to date, its photo, and printing the grab pack."""

from __future__ import annotations

import uuid
from datetime import date
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.chronology.models import EntryKind
from lantern.chronology.services import chronology_append
from lantern.core.services import apply_changes
from lantern.missing.models import MissingProfile
from lantern.missing.models.profile import private_media
from lantern.missing.profile_pdf import grab_pack_pdf
from lantern.missing.selectors_profiles import field_label, grab_pack_data
from lantern.people.models import Person

TEXT_FIELDS = (
    "height",
    "build",
    "hair",
    "eyes",
    "distinguishing_marks",
    "clothing_style",
    "associates",
    "places",
    "phones",
    "social_media",
    "transport",
    "medical_needs",
    "communication",
    "what_helps",
)

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
# Refuse images whose pixels would take too much memory to decode (a "decompression bomb"):
# 50 megapixels is well beyond any phone camera's photo.
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def missing_profile_save(
    *,
    request: HttpRequest | None,
    actor: User,
    child: Person,
    expected_version: int | None = None,
    **fields: str,
) -> MissingProfile:
    """Create or update the child's profile. Saving counts as a review: the profile is marked
    reviewed now by `actor` even when nothing changed (someone has checked it is still right).
    Refuses a profile for an adult's record and a save over someone else's newer one."""
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Not a profile field: {', '.join(sorted(unknown))}")
    if child.kind != "child":
        raise ValidationError("A missing profile is kept for a child or young person only.")
    now = timezone.now()
    values = {name: (value or "").strip() for name, value in fields.items()}
    with transaction.atomic():
        profile = MissingProfile.objects.select_for_update().filter(child=child).first()
        created = profile is None
        if profile is None:
            profile = MissingProfile(
                child=child,
                reviewed_at=now,
                reviewed_by=actor,
                created_by=actor,
                modified_by=actor,
                **values,
            )
            profile.full_clean()
            profile.save()
            changed = sorted(name for name, value in values.items() if value)
        else:
            changed = sorted(
                name
                for name in apply_changes(
                    profile,
                    changes={**values, "reviewed_at": now, "reviewed_by": actor},
                    actor=actor,
                    expected_version=expected_version,
                )
                if name in TEXT_FIELDS
            )
        audit_record(
            action="missing.profile_created" if created else "missing.profile_updated",
            request=request,
            actor=actor,
            obj=profile,
            detail={"child": str(child.pk), "changed": changed},
        )
        chronology_append(
            person=child,
            kind=EntryKind.MISSING,
            summary="Philomena profile created" if created else "Philomena profile updated",
            detail=(
                "Changed: " + ", ".join(field_label(name).lower() for name in changed) + "."
                if changed
                else "Reviewed: no changes needed."
            ),
            occurred_at=now,
            author=actor,
            link=profile,
            request=request,
        )
    return profile


def photo_clean(upload: Any) -> bytes:
    """The uploaded photo checked and made safe to keep: a JPEG, PNG or WebP image of 5 MB at
    most, turned the right way up, reduced to 1600 pixels on its longest side and re-encoded
    as a JPEG. Re-encoding keeps only the pixels: the camera's metadata (EXIF, including the
    GPS position where it was taken) and anything hidden after the image data are dropped."""
    size = getattr(upload, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise ValidationError(
            {
                "photo": f"The photo must be 5 MB or smaller: this file is "
                f"{size / 1024 / 1024:.1f} MB. Choose a smaller photo or take a screenshot of it."
            }
        )
    if size == 0:
        raise ValidationError({"photo": "The file is empty: choose the photo again."})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format or ""
            if kind not in PHOTO_FORMATS:
                raise ValidationError(
                    {
                        "photo": f"The photo must be a JPEG, PNG or WebP image: this file is "
                        f"{'a ' + kind if kind else 'another kind of'} image."
                    }
                )
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    {"photo": "The photo has too many pixels to process: choose a smaller one."}
                )
            image.load()
            picture = ImageOps.exif_transpose(image)
            if picture.mode in {"RGBA", "LA", "P", "PA"}:
                picture = picture.convert("RGBA")
                flat = Image.new("RGB", picture.size, "white")
                flat.paste(picture, mask=picture.getchannel("A"))
                picture = flat
            else:
                picture = picture.convert("RGB")
            picture.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = BytesIO()
            picture.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {"photo": "The file is not a photo that can be read. Choose a JPEG, PNG or WebP image."}
        ) from None


def missing_profile_photo_set(
    *,
    request: HttpRequest | None,
    actor: User,
    child: Person,
    upload: Any,
    taken_on: date | None,
) -> MissingProfile:
    """Put a new photo on the child's profile (creating the profile if there is none). The
    photo is checked and re-encoded (`photo_clean`) and stored under a random name in the
    private media storage; the one it replaces is deleted once the change is committed, so only
    the current photo of the child is kept."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if taken_on is None:
        errors["taken_on"] = "Enter when the photo was taken, even roughly."
    elif taken_on > today:
        errors["taken_on"] = "When the photo was taken cannot be in the future."
    elif child.born_earliest and taken_on < child.born_earliest:
        errors["taken_on"] = "When the photo was taken cannot be before the young person was born."
    try:
        content = photo_clean(upload)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    if child.kind != "child":
        raise ValidationError("A missing profile is kept for a child or young person only.")
    storage = private_media()
    now = timezone.now()
    with transaction.atomic():
        profile = MissingProfile.objects.select_for_update().filter(child=child).first()
        created = profile is None
        if profile is None:
            profile = MissingProfile(
                child=child, reviewed_at=now, reviewed_by=actor, created_by=actor, modified_by=actor
            )
        old = profile.photo.name if profile.photo else ""
        name = storage.save(f"missing-profiles/{uuid.uuid4().hex}.jpg", ContentFile(content))
        try:
            if created:
                profile.photo.name = name
                profile.photo_taken_on = taken_on
                profile.full_clean()
                profile.save()
            else:
                apply_changes(
                    profile, changes={"photo": name, "photo_taken_on": taken_on}, actor=actor
                )
        except Exception:
            storage.delete(name)  # nothing refers to the new file
            raise
        if old:
            transaction.on_commit(lambda: storage.delete(old))
        audit_record(
            action="missing.profile_photo_set",
            request=request,
            actor=actor,
            obj=profile,
            detail={"child": str(child.pk), "replaced": bool(old), "bytes": len(content)},
        )
        chronology_append(
            person=child,
            kind=EntryKind.MISSING,
            summary="Philomena profile photo " + ("replaced" if old else "added"),
            detail=f"Photo taken on {taken_on:%-d %B %Y}." if taken_on else "",
            occurred_at=now,
            author=actor,
            link=profile,
            request=request,
        )
    return profile


def missing_profile_photo_remove(
    *, request: HttpRequest | None, actor: User, child: Person, reason: str
) -> MissingProfile:
    """Take the photo off the child's profile (the wrong young person, out of date, or they
    or their family asked), saying why. The file is deleted once the change is committed, so
    no copy is left in the private storage; the audit trail and the child's timeline record
    the removal and its reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the photo is being removed."})
    with transaction.atomic():
        profile = MissingProfile.objects.select_for_update().filter(child=child).first()
        if profile is None or not profile.photo:
            raise ValidationError({"reason": "There is no photo on this profile to remove."})
        old = str(profile.photo.name)
        apply_changes(profile, changes={"photo": "", "photo_taken_on": None}, actor=actor)
        storage = private_media()
        transaction.on_commit(lambda: storage.delete(old))
        audit_record(
            action="missing.profile_photo_removed",
            request=request,
            actor=actor,
            obj=profile,
            detail={"child": str(child.pk), "reason": reason},
        )
        chronology_append(
            person=child,
            kind=EntryKind.MISSING,
            summary="Philomena profile photo removed",
            detail=reason,
            occurred_at=timezone.now(),
            author=actor,
            link=profile,
            request=request,
        )
    return profile


def grab_pack_render(*, request: HttpRequest | None, actor: User, child: Person) -> bytes:
    """The child's one-page grab pack as a PDF, read at this moment (profile, the open episode,
    the missing history). Every print is audited (`missing.grab_pack_printed`, with the open
    episode's reference), because a printed copy leaves the system; it is not a chronology
    entry, since printing is an access to the record, not something that happened to the
    child (decision 0016)."""
    data = grab_pack_data(child)
    content = grab_pack_pdf(data, printed_by=actor)
    audit_record(
        action="missing.grab_pack_printed",
        request=request,
        actor=actor,
        obj=child,
        detail={
            "profile": str(data.profile.pk) if data.profile else "",
            "episode": data.episode.reference if data.episode else "",
            "bytes": len(content),
        },
    )
    return content
