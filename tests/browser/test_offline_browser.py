"""The installable app in a real Chromium: lessons offline, nothing private kept."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from guides.loader import sync
from journal.sharing import links, summary
from tests.browser.conftest import CHROMIUM_FLAGS, assert_accessible, sign_up
from trustrepair.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON = "/guides/roots-of-distrust/old-hurts/"
PRIVATE = ("/journal/", "/accounts/", "/s/", "/admin/", "/sw.js")

# Every URL in every cache of Cache Storage, and the body of each.
CACHED = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      found.push([new URL(request.url).pathname + new URL(request.url).search,
                  await response.clone().text()]);
    }
  }
  return found;
}"""


def eventually(page: Page, expression: str, arg: object = None, seconds: float = 10) -> object:
    """Evaluates `expression` (awaiting a promise) until it gives something truthy."""
    for _ in range(int(seconds * 10)):
        value = page.evaluate(expression, arg)
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def worker_ready(page: Page) -> None:
    eventually(page, "navigator.serviceWorker.ready.then(() => true)")


def controlled(page: Page) -> None:
    """Waits for the service worker, and reloads so that it serves this page too."""
    worker_ready(page)
    page.reload()
    eventually(page, "navigator.serviceWorker.controller !== null")


def cached_paths(page: Page) -> list[str]:
    return [path for path, _ in page.evaluate(CACHED)]


def wait_until_cached(page: Page, path: str) -> None:
    eventually(
        page,
        "async (path) => { for (const n of await caches.keys()) {"
        " if (await (await caches.open(n)).match(path)) return true; } return false; }",
        path,
    )


def go_offline(context: BrowserContext) -> None:
    context.set_offline(True)


def test_a_lesson_read_once_opens_offline_and_no_private_page_is_ever_kept(page: Page):
    sync()
    sign_up(page, "juniper")
    page.goto(LESSON)
    controlled(page)
    wait_until_cached(page, LESSON)

    # Private pages visited online, with the worker in charge.
    user = User.objects.get(username="juniper")
    today = timezone.localdate()
    snapshot = summary.build_snapshot(
        user,
        today - datetime.timedelta(days=6),
        today,
        include_ratings=True,
        include_consistency=True,
        reflection_checkin_ids=[],
    )
    _, token = links.create_share(user, snapshot, "A note for you", 7)
    for path in ("/journal/", "/accounts/", "/accounts/reminders/", f"/s/{token}/", "/guides/"):
        page.goto(path)

    go_offline(page.context)
    page.goto(LESSON)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Old hurts that follow us into new love"
    )
    assert_accessible(page)

    kept = page.evaluate(CACHED)
    paths = [path for path, _ in kept]
    assert LESSON in paths
    assert "/offline/" in paths
    for path in paths:
        assert not path.startswith(PRIVATE), path
        assert path.startswith(("/guides/", "/static/", "/offline/")), path
    # The kept lesson is the signed-out copy: no name, no session token, no sign-out.
    for path, body in kept:
        if path.startswith("/guides/"):
            assert "juniper" not in body
            assert "X-CSRFToken" not in body
            assert "csrfmiddlewaretoken" not in body
            assert "Log out" not in body

    # A page never kept says it is offline, rather than failing.
    page.goto("/journal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(page.get_by_role("link", name="Old hurts that follow us into new love")).to_be_visible()

    page.context.set_offline(False)
    page.goto("/guides/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    # Emptied on the way out; the next page may put its static files back, nothing else.
    assert LESSON not in cached_paths(page)
    assert all(path.startswith("/static/") for path in cached_paths(page))


def test_save_this_stage_for_offline_keeps_every_lesson_of_it(page: Page):
    sync()
    page.goto("/guides/overcoming-distrust/")
    controlled(page)
    button = page.get_by_role("button", name="Save this stage for offline")
    expect(button).to_be_visible()
    assert_accessible(page)
    button.click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text("12 lessons")

    go_offline(page.context)
    # Never opened, but saved with its stage.
    page.goto("/guides/overcoming-distrust/boundaries-and-stepping-back/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Boundaries, and knowing when to step back"
    )
    page.goto("/guides/overcoming-distrust/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overcoming distrust")


def test_quick_exit_empties_the_saved_pages(page: Page, live_server):
    sync()
    page.goto(LESSON)
    controlled(page)
    wait_until_cached(page, LESSON)
    page.route("https://www.wikipedia.org/**", lambda route: route.fulfill(body="elsewhere"))
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("https://www.wikipedia.org/**")
    # Back on the site, on a page that loads nothing the worker would keep again.
    page.goto(live_server.url + "/healthz")
    eventually(page, "async () => (await caches.keys()).length === 0")


def test_chromium_finds_the_app_installable(
    playwright: Playwright, browser_path: str, live_server, tmp_path
):
    # Installability is never reported for an incognito context, so a profile on disk.
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", executable_path=browser_path, args=CHROMIUM_FLAGS
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/guides/")
        worker_ready(page)
        session = context.new_cdp_session(page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        manifest = session.send("Page.getAppManifest")
    finally:
        context.close()
    assert errors == []
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/static/manifest.webmanifest")


def test_a_push_shows_the_neutral_reminder(page: Page, live_server):
    """The service worker's push handler, fed a push through the DevTools protocol."""
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto("/guides/")
    worker_ready(page)
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == live_server.url + "/"
    session = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    session.send("ServiceWorker.enable")
    for _ in range(100):  # the events arrive just after enable
        ids = [r["registrationId"] for r in registrations if r["scopeURL"] == scope]
        if ids:
            break
        page.wait_for_timeout(50)
    registration_id = ids[0]
    payload = json.dumps(
        {
            "title": "Notebook",
            "body": "A moment for yourself today?",
            "url": "/accounts/reminders/open/",
        }
    )
    session.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registration_id, "data": payload},
    )
    shown = eventually(
        page,
        "navigator.serviceWorker.ready.then(r => r.getNotifications())"
        ".then(ns => ns.map(n => [n.title, n.body, n.data.url]))",
    )
    assert shown == [["Notebook", "A moment for yourself today?", "/accounts/reminders/open/"]]
