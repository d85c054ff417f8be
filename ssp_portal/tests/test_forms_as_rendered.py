"""The form reader sends what a browser sends."""

from __future__ import annotations

from ssp_portal.tests.forms_as_rendered import forms_on, links_on

PAGE = """
<form method="get" action="/search/"><input name="q" value="water"></form>
<form method="post" id="edit" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="token">
  <input name="title" value="Warm &amp; dry">
  <input type="number" name="amount" value="1500.00">
  <input name="nameless-is-sent" value="x" disabled>
  <input value="no name">
  <input type="checkbox" name="agree" checked>
  <input type="checkbox" name="newsletter" value="yes">
  <input type="radio" name="kind" value="a">
  <input type="radio" name="kind" value="b" checked>
  <select name="region"><option value="">—</option><option value="naryn" selected>Naryn</option></select>
  <select name="first"><option>Issyk-Kul</option><option value="chuy">Chuy</option></select>
  <select name="many" multiple><option value="1" selected>One</option><option value="2">Two</option>
    <option value="3" selected>Three</option></select>
  <textarea name="mission">
Line one
Line two</textarea>
  <fieldset disabled><input name="locked" value="1"></fieldset>
  <input type="file" name="charter">
  <button type="submit" name="save" value="draft">Save</button>
  <button type="submit" name="publish" value="1" formaction="/publish/">Publish</button>
</form>
<input form="edit" name="outside" value="joined">
<a href="/competitions/?page=2">next</a> <a href="#top">top</a> <a href="mailto:x@example.org">mail</a>
"""


def test_a_form_is_read_as_a_browser_reads_it():
    search, edit = forms_on(PAGE, "/competitions/KRK-2026-001/edit/")
    assert (search.method, search.action) == ("get", "/search/")
    assert (edit.method, edit.action) == ("post", "/competitions/KRK-2026-001/edit/")
    assert edit.entries() == [
        ("csrfmiddlewaretoken", "token"),
        ("title", "Warm & dry"),
        ("amount", "1500.00"),
        ("agree", "on"),
        ("kind", "b"),
        ("region", "naryn"),
        ("first", "Issyk-Kul"),
        ("many", "1"),
        ("many", "3"),
        ("mission", "Line one\r\nLine two"),
        ("save", "draft"),
        ("outside", "joined"),
    ]
    assert edit.data()["many"] == ["1", "3"]
    assert [c.name for c in edit.file_fields] == ["charter"]


def test_what_the_page_shows_leaves_out_the_token_buttons_and_files():
    edit = forms_on(PAGE, "/x/")[1]
    values = edit.values()
    assert "csrfmiddlewaretoken" not in values and "save" not in values and "charter" not in values
    assert values["kind"] == [False, True]
    assert values["mission"] == ["Line one\nLine two"]
    assert values["newsletter"] == [False]


def test_another_button_sends_the_form_where_it_says():
    edit = forms_on(PAGE, "/x/")[1]
    publish = next(c for c in edit.controls if c.name == "publish")
    assert edit.action_for(publish) == "/publish/"
    assert ("publish", "1") in edit.entries(publish)
    assert ("save", "draft") not in edit.entries(publish)


def test_prefilled_fields_are_those_that_show_something_stored():
    edit = forms_on(PAGE, "/x/")[1]
    assert {c.name for c in edit.prefilled()} == {
        "title",
        "amount",
        "agree",
        "kind",
        "region",
        "many",
        "mission",
        "outside",
    }
    empty = forms_on(
        '<form method="post"><input name="why"><select name="s"><option value="">—</option></select></form>',
        "/",
    )[0]
    assert empty.prefilled() == []


def test_links_are_resolved_against_the_page():
    assert links_on(PAGE, "/competitions/") == ["/competitions/?page=2"]
