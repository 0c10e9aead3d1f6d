"""The Philomena profile: kept current by whoever may see the child, its photo checked, cleaned
and shown only to them, and the one-page grab pack, every print audited."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from lantern.access.models import AuditEvent
from lantern.chronology.models import ChronologyEntry
from lantern.core.services import ConflictError
from lantern.missing.models import MissingProfile
from lantern.missing.selectors_profiles import profile_prefill, profile_review
from lantern.missing.services.profiles import (
    grab_pack_render,
    missing_profile_photo_set,
    missing_profile_save,
    photo_clean,
)
from tests.access.factories import involve, person
from tests.conftest import sign_in
from tests.missing.factories import at, frozen, report, returned

pytestmark = pytest.mark.django_db


@pytest.fixture
def child() -> Any:
    return person(
        given_names="Rowan",
        family_name="Ashby",
        preferred_name="Ro",
        date_of_birth=date(2011, 5, 4),
    )


@pytest.fixture
def carer(make_user: Any, child: Any) -> Any:
    """A worker involved with the child, who may see (and so keep up) their profile."""
    user = make_user("social_worker")
    involve(child, user=user, kind="allocated_worker")
    return user


@pytest.fixture
def stranger(make_user: Any) -> Any:
    """A school's safeguarding lead in another agency, with no relationship to the child."""
    return make_user("school_safeguarding_lead")


def image_file(
    fmt: str = "JPEG", size: tuple[int, int] = (40, 30), name: str = "photo.jpg", **save: Any
) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def jpeg_with_gps() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "Synthetic Camera Co"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 12.0, 30.0)  # a made-up latitude
    gps[3], gps[4] = "W", (0.0, 7.0, 15.0)
    return image_file(exif=exif.tobytes())


def fill(actor: Any, child: Any, **fields: str) -> MissingProfile:
    values = {
        "height": "160 cm",
        "build": "Slim",
        "hair": "Dark brown, shoulder length, often tied back",
        "eyes": "Brown",
        "distinguishing_marks": "Small scar above the left eyebrow",
        "clothing_style": "Black puffer jacket, grey joggers, white trainers",
        "associates": "Kai (friend from school), seen at the skate park",
        "places": "Fenbridge bus station\nRiverside skate park",
        "phones": "07700 900123 (their own)",
        "social_media": "Snapchat: ro_synthetic",
        "transport": "Buses, route 12 into town",
        "medical_needs": "Asthma: carries a blue inhaler",
        "communication": "English",
        "what_helps": "Speak calmly; mention their dog, Biscuit",
    } | fields
    return missing_profile_save(request=None, actor=actor, child=child, **values)


# --- Saving and reviewing -----------------------------------------------------------------


def test_saving_creates_the_profile_with_an_audit_event_and_a_chronology_entry(
    carer: Any, child: Any
) -> None:
    profile = fill(carer, child)
    assert profile.reviewed_by == carer
    assert profile.hair == "Dark brown, shoulder length, often tied back"
    event = AuditEvent.objects.get(action="missing.profile_created")
    assert event.object_id == str(profile.pk)
    assert "hair" in event.detail["changed"]
    entry = ChronologyEntry.objects.get(person=child, summary="Philomena profile created")
    assert "hair" in entry.detail


def test_editing_records_what_changed_and_counts_as_a_review(carer: Any, child: Any) -> None:
    with frozen(at(2026, 8, 1, 10, 0)):
        profile = fill(carer, child)
    with frozen(at(2026, 11, 20, 10, 0)):
        profile = fill(carer, child, hair="Dyed red, short", expected_version=profile.version)
    assert profile.hair == "Dyed red, short"
    assert profile.reviewed_at == at(2026, 11, 20, 10, 0)
    event = AuditEvent.objects.get(action="missing.profile_updated")
    assert event.detail["changed"] == ["hair"]
    entry = ChronologyEntry.objects.get(summary="Philomena profile updated")
    assert entry.detail == "Changed: hair."
    # Saving again with nothing changed still marks it reviewed.
    with frozen(at(2026, 11, 21, 10, 0)):
        profile = fill(carer, child, hair="Dyed red, short")
    assert profile.reviewed_at == at(2026, 11, 21, 10, 0)
    assert ChronologyEntry.objects.filter(detail="Reviewed: no changes needed.").count() == 1


def test_a_save_over_someone_elses_newer_change_is_refused(carer: Any, child: Any) -> None:
    profile = fill(carer, child)
    old = profile.version
    fill(carer, child, hair="Shaved")
    with pytest.raises(ConflictError):
        fill(carer, child, hair="Blonde", expected_version=old)
    assert MissingProfile.objects.get(child=child).hair == "Shaved"


def test_a_profile_is_for_a_child_only(carer: Any) -> None:
    adult = person(given_names="Dana", family_name="Ashby", kind="adult")
    with pytest.raises(ValidationError):
        fill(carer, adult)


def test_the_review_is_due_after_the_configured_period(carer: Any, child: Any) -> None:
    with frozen(at(2026, 8, 1, 10, 0)):
        profile = fill(carer, child)
    review = profile_review(profile, now=at(2026, 10, 29, 9, 0))
    assert (review.days_ago, review.overdue) == (89, False)
    review = profile_review(profile, now=at(2026, 10, 30, 10, 0))
    assert (review.days_ago, review.overdue) == (90, True)


def test_the_page_shows_the_last_review_and_flags_an_overdue_one(
    client: Client, carer: Any, child: Any
) -> None:
    with frozen(at(2026, 6, 1, 10, 0)):
        fill(carer, child)
    sign_in(client, carer)
    page = client.get(f"/missing/children/{child.pk}/profile/").text
    assert "Asthma: carries a blue inhaler" in page
    assert "This profile is due for review" in page
    assert re.search(r"Last reviewed <strong>\d+ days ago</strong>", page)


def test_the_edit_form_saves_through_the_service(client: Client, carer: Any, child: Any) -> None:
    sign_in(client, carer)
    url = f"/missing/children/{child.pk}/profile/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"height": "155 cm", "places": "Fenbridge library"})
    assert response.status_code == 302
    assert response["Location"] == f"/missing/children/{child.pk}/profile/"
    profile = MissingProfile.objects.get(child=child)
    assert (profile.height, profile.places, profile.reviewed_by) == (
        "155 cm",
        "Fenbridge library",
        carer,
    )
    page = client.get(f"/missing/children/{child.pk}/profile/").text
    assert "Last reviewed <strong>today</strong>" in page
    # The form starts from what is recorded, with the version it was read at.
    form = client.get(url).text
    assert "Fenbridge library</textarea>" in form
    assert f'name="version" value="{profile.version}"' in form


def test_someone_who_may_not_see_the_child_cannot_see_or_edit_the_profile(
    client: Client, carer: Any, stranger: Any, child: Any
) -> None:
    fill(carer, child)
    sign_in(client, stranger)
    for url in (
        f"/missing/children/{child.pk}/profile/",
        f"/missing/children/{child.pk}/profile/edit/",
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/missing/children/{child.pk}/profile/edit/", {"hair": "X"}).status_code == 404
    )
    assert MissingProfile.objects.get(child=child).hair != "X"
    assert AuditEvent.objects.filter(actor=stranger, action="record.denied").count() == 3


# --- The photo ----------------------------------------------------------------------------


def test_the_photo_is_re_encoded_without_its_location_and_stored_under_a_random_name(
    carer: Any, child: Any
) -> None:
    upload = jpeg_with_gps()
    assert Image.open(BytesIO(upload.read())).getexif().get_ifd(0x8825)  # the GPS is there
    upload.seek(0)
    profile = missing_profile_photo_set(
        request=None, actor=carer, child=child, upload=upload, taken_on=date(2026, 10, 1)
    )
    assert re.fullmatch(r"missing-profiles/[0-9a-f]{32}\.jpg", profile.photo.name)
    assert "ashby" not in profile.photo.name.lower()
    with profile.photo.open("rb") as file:
        stored = Image.open(BytesIO(file.read()))
    assert stored.format == "JPEG"
    exif = stored.getexif()
    assert not exif.get_ifd(0x8825)
    assert 0x010F not in exif
    assert AuditEvent.objects.filter(action="missing.profile_photo_set").count() == 1


def test_a_large_photo_is_reduced_to_1600_pixels(carer: Any, child: Any) -> None:
    content = photo_clean(image_file(size=(3200, 2000)))
    assert Image.open(BytesIO(content)).size == (1600, 1000)


def test_a_png_with_transparency_is_accepted(carer: Any) -> None:
    buffer = BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, format="PNG")
    content = photo_clean(SimpleUploadedFile("p.png", buffer.getvalue()))
    assert Image.open(BytesIO(content)).mode == "RGB"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.jpg", b"This is not a picture at all."),
            "The file is not a photo that can be read",
        ),
        (image_file("GIF", name="photo.gif"), "this file is a GIF image"),
        (image_file("BMP", name="photo.bmp"), "this file is a BMP image"),
        (
            SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10)),
            "The photo must be 5 MB or smaller: this file is 5.0 MB",
        ),
    ],
    ids=["not-an-image", "gif", "bmp", "too-big"],
)
def test_a_photo_that_is_not_a_usable_image_is_refused_with_a_clear_message(
    carer: Any, child: Any, upload: Any, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        missing_profile_photo_set(
            request=None, actor=carer, child=child, upload=upload, taken_on=date(2026, 10, 1)
        )
    assert message in refused.value.message_dict["photo"][0]
    assert not MissingProfile.objects.filter(child=child).exists()


def test_the_date_taken_is_required_and_not_in_the_future(carer: Any, child: Any) -> None:
    for taken_on, message in [
        (None, "Enter when the photo was taken"),
        (timezone.localdate() + timedelta(days=2), "cannot be in the future"),
        (date(2010, 1, 1), "before the young person was born"),
    ]:
        with pytest.raises(ValidationError) as refused:
            missing_profile_photo_set(
                request=None, actor=carer, child=child, upload=image_file(), taken_on=taken_on
            )
        assert message in refused.value.message_dict["taken_on"][0]


def test_a_new_photo_replaces_the_old_one_which_is_deleted(
    carer: Any, child: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = missing_profile_photo_set(
        request=None, actor=carer, child=child, upload=image_file(), taken_on=date(2026, 1, 1)
    )
    old = first.photo.name
    storage = first.photo.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = missing_profile_photo_set(
            request=None, actor=carer, child=child, upload=image_file(), taken_on=date(2026, 9, 1)
        )
    assert second.photo.name != old
    assert not storage.exists(old)
    assert storage.exists(second.photo.name)
    assert second.photo_taken_on == date(2026, 9, 1)


def test_a_photo_can_be_removed_with_a_reason_and_its_file_is_deleted(
    client: Client, carer: Any, stranger: Any, child: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile = missing_profile_photo_set(
        request=None, actor=carer, child=child, upload=image_file(), taken_on=date(2026, 1, 1)
    )
    name, storage = profile.photo.name, profile.photo.storage
    url = f"/missing/children/{child.pk}/profile/photo/remove/"
    # The denied twin first: someone who may not see the child is not found, nothing removed.
    other = Client()
    sign_in(other, stranger)
    assert other.post(url, {"reason": "Wrong child."}).status_code == 404
    assert storage.exists(name)
    sign_in(client, carer)
    assert 'href="' + url + '"' in client.get(f"/missing/children/{child.pk}/profile/").text
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the photo is being removed." in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "It is a photo of her cousin."})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.photo
    assert profile.photo_taken_on is None
    assert not storage.exists(name)
    event = AuditEvent.objects.get(action="missing.profile_photo_removed")
    assert (event.actor, event.detail["reason"]) == (carer, "It is a photo of her cousin.")
    assert child.chronology.filter(summary="Philomena profile photo removed").exists()
    # With no photo left, the page says so rather than offering to remove nothing.
    assert client.get(url).status_code == 302
    assert client.get(f"/missing/children/{child.pk}/profile/photo/").status_code == 404


def test_the_upload_page_shows_the_refusal_and_accepts_a_photo(
    client: Client, carer: Any, child: Any
) -> None:
    sign_in(client, carer)
    url = f"/missing/children/{child.pk}/profile/photo/new/"
    assert 'enctype="multipart/form-data"' in client.get(url).text
    response = client.post(
        url, {"photo": image_file("GIF", name="x.gif"), "taken_on": "2026-10-01"}
    )
    assert response.status_code == 400
    assert "The photo must be a JPEG, PNG or WebP image" in response.text
    response = client.post(url, {"photo": image_file(), "taken_on": "2026-10-01"})
    assert response.status_code == 302
    assert MissingProfile.objects.get(child=child).photo_taken_on == date(2026, 10, 1)


def test_the_photo_is_served_only_to_someone_who_may_see_the_child(
    client: Client, carer: Any, stranger: Any, child: Any
) -> None:
    missing_profile_photo_set(
        request=None, actor=carer, child=child, upload=image_file(), taken_on=date(2026, 10, 1)
    )
    url = f"/missing/children/{child.pk}/profile/photo/"
    sign_in(client, carer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("inline")
    assert Image.open(BytesIO(response.content)).format == "JPEG"
    read = AuditEvent.objects.filter(actor=carer, action="person.viewed").latest("seq")
    assert (read.object_id, read.purpose) == (str(child.pk), "missing profile photo")
    # The denied twin: not found, and the attempt audited.
    other = Client()
    sign_in(other, stranger)
    assert other.get(url).status_code == 404
    denied = AuditEvent.objects.get(actor=stranger, action="record.denied")
    assert (denied.object_id, denied.outcome) == (str(child.pk), "denied")
    # Nothing is published under a media address.
    assert client.get(f"/media/{MissingProfile.objects.get().photo.name}").status_code == 404


def test_there_is_no_photo_to_serve_without_one(client: Client, carer: Any, child: Any) -> None:
    fill(carer, child)
    sign_in(client, carer)
    assert client.get(f"/missing/children/{child.pk}/profile/photo/").status_code == 404


# --- The grab pack ------------------------------------------------------------------------


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_grab_pack_is_one_page_with_the_profile_and_the_open_episode(
    carer: Any, child: Any, make_user: Any
) -> None:
    officer = make_user("police_officer")
    with frozen(at(2026, 11, 1, 10, 0)):
        fill(carer, child)
        missing_profile_photo_set(
            request=None, actor=carer, child=child, upload=image_file(), taken_on=date(2026, 10, 1)
        )
    earlier = report(officer, child, last_seen=at(2026, 10, 3, 21, 0))
    returned(officer, earlier, at=at(2026, 10, 4, 9, 0), found_where="Riverside skate park")
    report(
        officer,
        child,
        last_seen=at(2026, 11, 26, 20, 0),
        clothing="Red hoodie, black jeans",
        police_reference="FEN-26-0042",
    )
    with frozen(at(2026, 11, 27, 9, 0)):
        content = grab_pack_render(request=None, actor=carer, child=child)
    assert content.startswith(b"%PDF")
    pages, words = pdf_text(content)
    assert pages == 1
    flat = " ".join(words.split())
    for expected in [
        "OFFICIAL-SENSITIVE",
        "Grab pack: Ro Ashby",
        "Rowan Ashby",
        "4 May 2011",
        "Height: 160 cm",
        "Red hoodie, black jeans",
        "FEN-26-0042",
        "Fenbridge bus station",
        "07700 900123",
        "ro_synthetic",
        "Asthma",
        "Riverside skate park",
        "2 in the last 90 days",
        f"by {carer}",
        "27 November 2026 09:00",
    ]:
        assert expected in flat, expected


def test_a_very_long_profile_still_fits_on_one_page(carer: Any, child: Any) -> None:
    long = "\n".join(f"Place number {n}, somewhere in Fenbridge" for n in range(120))
    fill(carer, child, places=long, associates=long)
    pages, _ = pdf_text(grab_pack_render(request=None, actor=carer, child=child))
    assert pages == 1


def test_a_grab_pack_prints_without_a_profile(carer: Any, child: Any) -> None:
    pages, words = pdf_text(grab_pack_render(request=None, actor=carer, child=child))
    assert pages == 1
    assert "No Philomena profile has been recorded" in words


def test_every_print_is_audited_and_the_denied_twin_gets_nothing(
    client: Client, carer: Any, stranger: Any, child: Any
) -> None:
    fill(carer, child)
    url = f"/missing/children/{child.pk}/grab-pack.pdf"
    sign_in(client, carer)
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "ashby" not in response["Content-Disposition"].lower()
    prints = AuditEvent.objects.filter(action="missing.grab_pack_printed")
    assert prints.count() == 2
    assert {(e.actor, e.object_id) for e in prints} == {(carer, str(child.pk))}
    # Printing is not an event in the child's life: no chronology entry.
    assert not ChronologyEntry.objects.filter(summary__icontains="grab pack").exists()
    other = Client()
    sign_in(other, stranger)
    assert other.get(url).status_code == 404
    assert prints.count() == 2
    assert AuditEvent.objects.filter(actor=stranger, action="record.denied").count() == 1


# --- Pre-filling a report -----------------------------------------------------------------


def test_prefill_gives_the_description_and_usual_clothing(carer: Any, child: Any) -> None:
    assert profile_prefill(child) == {"description": "", "clothing": ""}
    fill(carer, child, build="", eyes="")
    assert profile_prefill(child) == {
        "description": "Height: 160 cm. Hair: Dark brown, shoulder length, often tied back. "
        "Marks: Small scar above the left eyebrow.",
        "clothing": "Black puffer jacket, grey joggers, white trainers",
    }
