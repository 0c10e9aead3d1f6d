"""The journeys that matter, in a real browser, with axe-core's accessibility checks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import Server, accessibility_violations, sign_in


def user_with_role(server: Server, role: str, *, last: bool = False) -> str:
    """A demo user with the role. Tests that sign in close together use different users,
    because each authenticator code is accepted only once."""
    order = "-username" if last else "username"
    return server.manage(
        "shell",
        "--no-imports",
        "-c",
        "from lantern.accounts.models import User;"
        f"print(User.objects.filter(roles__code='{role}', is_active=True)"
        f".order_by('{order}').first().username)",
    ).strip()


def test_sign_in_to_administration_is_accessible(page: Any, lantern: Server) -> None:
    page.goto(f"{lantern.url}/sign-in/")
    assert accessibility_violations(page) == []

    # A wrong password: the error summary takes focus and links to the field.
    admin = user_with_role(lantern, "system_administrator")
    page.fill("#id_username", admin)
    page.fill("#id_password", "not-the-right-password")
    page.click("button:has-text('Continue')")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert "Enter a correct username and password." in page.inner_text(".govuk-error-summary")
    assert accessibility_violations(page) == []

    page.fill("#id_password", lantern.password)
    page.click("button:has-text('Continue')")
    page.wait_for_url(re.compile(r"/sign-in/verify/$"))
    assert accessibility_violations(page) == []
    page.fill("#id_code", lantern.code(admin))
    page.click("form button:has-text('Continue')")
    page.wait_for_url(f"{lantern.url}/")
    assert "System administrator" in page.inner_text(".lantern-identity")
    assert accessibility_violations(page) == []

    for path in ["/administration/users/", "/administration/users/new/", "/account/"]:
        page.goto(f"{lantern.url}{path}")
        assert accessibility_violations(page) == [], path

    page.goto(f"{lantern.url}/administration/users/new/")
    page.click("button:has-text('Save')")
    assert "Enter the user's first name." in page.inner_text(".govuk-error-summary")
    assert accessibility_violations(page) == []


@pytest.mark.parametrize("role", ["mash_manager"])
def test_other_roles_do_not_see_administration(page: Any, lantern: Server, role: str) -> None:
    sign_in(page, lantern, user_with_role(lantern, role))
    assert page.locator("a:has-text('Administration')").count() == 0
    page.goto(f"{lantern.url}/administration/")
    assert "You do not have access to this page" in page.inner_text("main")


def test_time_out_warns_then_keeps_the_answers(page: Any, lantern_short_session: Server) -> None:
    server = lantern_short_session
    admin = user_with_role(server, "system_administrator", last=True)
    sign_in(page, server, admin)
    page.goto(f"{server.url}/administration/agencies/new/")
    page.fill("#id_name", "Kingsholme Youth Club")

    dialog = page.locator("#timeout-warning")
    dialog.wait_for(state="visible", timeout=15000)
    assert "You're about to be signed out" in dialog.inner_text()
    assert accessibility_violations(page) == []
    page.click("[data-timeout-continue]")
    dialog.wait_for(state="hidden")

    # This time nobody answers: the page signs out and keeps what was typed.
    page.wait_for_url(re.compile(r"/sign-in/\?.*timeout=idle"), timeout=45000)
    assert "had not done anything" in page.inner_text("main")
    code = server.code(admin, following=True)
    page.fill("#id_username", admin)
    page.fill("#id_password", server.password)
    page.click("button:has-text('Continue')")
    page.fill("#id_code", code)
    page.click("form button:has-text('Continue')")
    page.wait_for_url(re.compile(r"/administration/agencies/new/$"), timeout=30000)
    assert page.input_value("#id_name") == "Kingsholme Youth Club"
    assert "We kept" in page.inner_text(".govuk-notification-banner")


def test_passkey_is_added_then_offered_first_at_sign_in(page: Any, lantern: Server) -> None:
    """Chromium's virtual authenticator stands in for a phone or laptop with a passkey."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    worker = user_with_role(lantern, "social_worker")
    sign_in(page, lantern, worker)
    assert "Add a passkey" in page.inner_text(".govuk-inset-text")
    page.goto(f"{lantern.url}/account/")
    page.click("#passkey-register-button")
    page.wait_for_function(
        "document.getElementById('passkey-register-status-message').textContent.trim() !== ''"
    )
    page.goto(f"{lantern.url}/account/")
    assert "Added" in page.inner_text("main")

    page.click("a:has-text('Sign out')")
    page.click("main button:has-text('Sign out')")
    page.goto(f"{lantern.url}/sign-in/")
    page.fill("#id_username", worker)
    page.fill("#id_password", lantern.password)
    page.click("button:has-text('Continue')")
    assert "Use your passkey" in page.inner_text("main")
    # The passkey script puts the button in the page before it listens for clicks; on a busy
    # machine a click can land in between and do nothing. Click again until it signs in.
    for attempt in range(3):
        page.click("#passkey-verification-button")
        try:
            page.wait_for_url(f"{lantern.url}/", timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    assert "Social worker" in page.inner_text(".lantern-identity")
    assert page.locator(".govuk-inset-text").count() == 0  # no longer invited to add one
    audited = lantern.manage(
        "shell",
        "--no-imports",
        "-c",
        "from lantern.access.models import AuditEvent;"
        f"print(AuditEvent.objects.filter(actor_username='{worker}', action='auth.passkey_added')"
        f".count(), AuditEvent.objects.filter(actor_username='{worker}', "
        "action='auth.signed_in', detail__method='passkey').count())",
    ).split()
    assert audited == ["1", "1"]


def test_triage_finds_a_child_then_adds_one_only_after_checking(page: Any, lantern: Server) -> None:
    """Search by a misspelt name and an age; the person page, the family view; adding a
    person shows likely matches first and asks why a strong match is someone else."""
    triage = user_with_role(lantern, "mash_triage_worker")
    child = lantern.manage(
        "shell",
        "--no-imports",
        "-c",
        "from lantern.people.models import Relationship;"
        "r = Relationship.objects.filter(kind='sibling').select_related('person')"
        ".order_by('person__family_name').first();"
        "p = r.person;"
        "print(p.given_names.split()[0], p.family_name, p.date_of_birth.strftime('%d/%m/%Y'))",
    ).split()
    given, family, born = child[0], child[1], child[2]
    sign_in(page, lantern, triage)
    misspelt = family[:-1] + family[-1] * 2  # a doubled last letter
    page.goto(f"{lantern.url}/people/?q={given}+{misspelt}+{born}")
    first = page.locator("tbody tr").first
    assert f"{given}" in first.inner_text()
    assert accessibility_violations(page) == []
    first.locator("a").first.click()
    assert family in page.inner_text("h1")
    assert accessibility_violations(page) == []
    page.click("a:has-text('Family and household')")
    assert "Brother or sister" in page.inner_text("main")
    assert accessibility_violations(page) == []

    page.goto(f"{lantern.url}/people/new/")
    assert accessibility_violations(page) == []
    page.fill("#id_given_names", given)
    page.fill("#id_family_name", family)
    day, month, year = born.split("/")
    page.fill("#id_date_of_birth", f"{year}-{month}-{day}")
    page.click("main button:has-text('Save')")
    assert "may be the same person" in page.inner_text(".govuk-notification-banner")
    assert accessibility_violations(page) == []
    page.click("main button:has-text('Add as a new person')")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert "say why this is someone else" in page.inner_text(".govuk-error-summary")


def test_a_referral_reaches_the_mash_queue_accessibly(page: Any, lantern: Server) -> None:
    """A school refers a child; the referral is acknowledged; the MASH sees it in its queue,
    opens it, and every page on the way passes axe."""
    teacher = user_with_role(lantern, "school_safeguarding_lead", last=True)
    sign_in(page, lantern, teacher)
    page.goto(f"{lantern.url}/referrals/")
    assert accessibility_violations(page) == []
    page.click("button:has-text('Make a referral')")
    page.wait_for_url(re.compile(r"/children/$"))
    page.fill("#id_given_names", "Robin")
    page.fill("#id_family_name", "Testwell")
    page.fill("#id_age_estimate", "14")
    page.click("button:has-text('Add this child')")
    assert "Robin Testwell" in page.inner_text("main")
    assert accessibility_violations(page) == []
    page.click("a:has-text('Continue')")
    # Sending with nothing filled in names each missing answer; focus goes to the summary.
    page.click("button:has-text('Save and continue')")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert "Say why you are worried about the child." in page.inner_text(".govuk-error-summary")
    assert accessibility_violations(page) == []
    page.select_option("#id_source", label="Schools")
    page.fill("#id_what_happened", "Seen getting into a car with two adults after school.")
    page.fill("#id_worries", "A new phone and gifts she will not explain.")
    page.check("#id_category_2")
    page.check("#id_urgency_1")
    page.check("#id_exploitation_concern_0")
    page.check("#id_exploitation_indicators_3")
    page.check("#id_family_knows_0")
    page.check("#id_consent_0")
    page.check("#id_lawful_basis_0")
    page.click("button:has-text('Save and continue')")
    page.wait_for_url(re.compile(r"/check/$"))
    assert "Getting into cars with unknown adults" in page.inner_text("main")
    assert accessibility_violations(page) == []
    page.click("button:has-text('Send the referral')")
    page.wait_for_selector(".govuk-panel")
    reference = page.inner_text(".govuk-panel__body strong")
    assert reference.startswith("MASH-")
    assert accessibility_violations(page) == []

    page.goto(f"{lantern.url}/sign-out/")
    page.click("main button")
    page.wait_for_url(re.compile(r"/signed-out/"))
    sign_in(page, lantern, user_with_role(lantern, "mash_triage_worker", last=True))
    page.goto(f"{lantern.url}/referrals/queue/?sort=received&order=desc")
    assert reference in page.inner_text("main")
    assert accessibility_violations(page) == []
    page.click(f"a:has-text('{reference}')")
    assert "Robin Testwell" in page.inner_text("main")
    assert accessibility_violations(page) == []
