"""Saved views (issue 15): a name for a list query, private or shared; the URL is the view."""

import pytest
from django.test import Client

from connectors_ui.models import SavedView

NEW = "/connectors/views/new/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(make_user):
    return make_user("editor", username="erin")


@pytest.fixture
def viewer(make_user):
    return make_user("viewer", username="vic")


def test_saving_keeps_the_query_without_page_or_empty_values(editor, small_catalogue):
    response = _client(editor).post(
        NEW, {"name": " French banks ", "query": "country=fr&q=&page=3&sort=-name"}
    )
    assert (
        response.status_code == 302 and response["Location"] == "/connectors/?country=fr&sort=-name"
    )
    view = SavedView.objects.get()
    assert (view.owner, view.name, view.query, view.shared) == (
        editor,
        "French banks",
        "country=fr&sort=-name",
        False,
    )


def test_the_menu_lists_mine_and_the_shared_ones_of_others(
    editor, viewer, make_user, small_catalogue
):
    other = make_user("editor", username="olga")
    SavedView.objects.create(owner=other, name="Olga's shared", query="state=hidden", shared=True)
    SavedView.objects.create(owner=other, name="Olga's private", query="q=x")
    SavedView.objects.create(owner=viewer, name="Mine", query="country=de")
    client = _client(viewer)
    html = client.get("/connectors/").content.decode()
    menu = html.split('<details class="saved-views">', 1)[1].split("</details>", 1)[0]
    assert 'hx-get="/connectors/views/menu/"' in menu  # the lists come when the menu opens
    assert 'name="shared"' not in menu  # a viewer keeps private views only
    lists = client.get("/connectors/views/menu/").content.decode()
    assert '<a href="/connectors/?country=de">Mine</a>' in lists
    assert '<a href="/connectors/?state=hidden">Olga&#x27;s shared</a>' in lists
    assert "Olga&#x27;s private" not in lists


def test_a_viewer_saves_private_views_but_cannot_share(viewer, small_catalogue):
    client = _client(viewer)
    client.post(NEW, {"name": "Mine", "query": "country=fr"})
    refused = client.post(
        NEW, {"name": "For all", "query": "country=de", "shared": "1"}, follow=True
    )
    assert "Only editors share views with the team" in refused.content.decode()
    assert list(SavedView.objects.values_list("name", "shared")) == [("Mine", False)]


def test_names_are_unique_per_person_with_a_clear_message(editor, viewer, small_catalogue):
    _client(editor).post(NEW, {"name": "Hidden", "query": "state=hidden"})
    again = _client(editor).post(NEW, {"name": "Hidden", "query": "x=1"}, follow=True)
    assert "You already have a view named “Hidden”." in again.content.decode()
    _client(viewer).post(NEW, {"name": "Hidden", "query": "state=hidden"})  # someone else's: fine
    assert SavedView.objects.count() == 2


def test_a_name_is_required(editor, small_catalogue):
    response = _client(editor).post(NEW, {"name": "  ", "query": "country=fr"}, follow=True)
    assert "Give the view a name." in response.content.decode()
    assert not SavedView.objects.exists()


def test_only_the_owner_renames_shares_or_deletes(editor, make_user, small_catalogue):
    view = SavedView.objects.create(owner=editor, name="Old", query="country=fr", shared=True)
    intruder = _client(make_user("editor", username="ivan"))
    answer = intruder.post(f"/connectors/views/{view.pk}/", {"name": "Hacked"}, follow=True)
    assert "Only the person who saved a view changes or deletes it." in answer.content.decode()
    intruder.post(f"/connectors/views/{view.pk}/delete/")
    view.refresh_from_db()
    assert (view.name, view.shared) == ("Old", True)
    owner = _client(editor)
    owner.post(f"/connectors/views/{view.pk}/", {"name": "New"})  # shared unticked: private
    view.refresh_from_db()
    assert (view.name, view.shared) == ("New", False)
    owner.post(f"/connectors/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_a_private_view_of_someone_else_is_not_found(editor, make_user, small_catalogue):
    view = SavedView.objects.create(owner=editor, name="Secret", query="q=x")
    answer = _client(make_user("viewer")).post(f"/connectors/views/{view.pk}/delete/", follow=True)
    assert "No such saved view." in answer.content.decode() and SavedView.objects.exists()


def test_the_page_lists_them_with_their_forms(editor, small_catalogue):
    SavedView.objects.create(owner=editor, name="Pay", query="product=pay", shared=True)
    html = _client(editor).get("/connectors/views/").content.decode()
    assert '<a href="/connectors/?product=pay">Pay</a>' in html and "shared</span>" in html
    assert 'name="shared" value="1" checked' in html and ">Delete<" in html


def test_anonymous_and_wrong_method(anon_client, editor, small_catalogue):
    assert anon_client.post(NEW, {"name": "x"}).status_code == 302
    assert not SavedView.objects.exists()
    assert _client(editor).get(NEW).status_code == 405
