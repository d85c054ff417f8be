"""Forms read from a rendered page, to submit them as a browser would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def data(self, **changes: str) -> dict[str, str]:
        """What the browser sends, with some fields typed over."""
        unknown = set(changes) - set(self.fields)
        assert not unknown, f"not fields of the form {self.action}: {unknown}"
        return {**self.fields, **changes}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.by_id: dict[str, PageForm] = {}
        self._form: PageForm | None = None
        self._textarea: tuple[PageForm, str] | None = None
        self._textarea_start = False
        self._select: tuple[PageForm, str] | None = None
        self._select_first = False
        self._button: list[str] | None = None

    def _owner(self, attrs: dict[str, str]) -> PageForm | None:
        # A field may belong to a form elsewhere on the page through its form="…" attribute.
        if attrs.get("form"):
            return self.by_id.get(attrs["form"])
        return self._form

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            self._form = PageForm(action=attrs.get("action", ""), attrs=attrs)
            self.forms.append(self._form)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = self._form
            return
        if tag == "option" and self._select and (self._select_first or "selected" in attrs):
            # Without a selected option, a browser sends the first.
            form, name = self._select
            form.fields[name] = attrs.get("value", "")
            self._select_first = False
            return
        if tag == "button":
            self._button = []
            return
        owner = self._owner(attrs)
        if owner is None or "name" not in attrs or "disabled" in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            # A ticked box without a value sends "on", as in a browser.
            owner.fields[attrs["name"]] = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
        elif tag == "textarea":
            owner.fields[attrs["name"]] = ""
            self._textarea = (owner, attrs["name"])
            self._textarea_start = True
        elif tag == "select":
            owner.fields[attrs["name"]] = ""
            self._select = (owner, attrs["name"])
            self._select_first = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                self._form.buttons.append(" ".join("".join(self._button).split()))
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            form, name = self._textarea
            if self._textarea_start and data.startswith("\n"):
                # A browser drops the newline that follows <textarea>.
                data = data[1:]
            self._textarea_start = False
            form.fields[name] += data
        if self._button is not None:
            self._button.append(data)


def page_forms(html: str) -> list[PageForm]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field_name: str) -> PageForm:
    """The one form of the page that holds a field."""
    matches = [form for form in page_forms(html) if field_name in form.fields]
    assert len(matches) == 1, f"{len(matches)} forms hold {field_name}"
    return matches[0]


class _Texts(HTMLParser):
    """The text inside each element with a ``data-testid``, as a reader sees it (spaces joined)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, list[str]] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs_list) -> None:
        if tag in self.VOID:
            if tag == "br":
                self.handle_data(" ")
            return
        testid = dict(attrs_list).get("data-testid")
        self._open.append((tag, testid))
        if testid is not None:
            self.texts.setdefault(testid, []).append("")

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, _testid = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _tag, testid in self._open:
            if testid is not None:
                self.texts[testid][-1] += data


def texts_of(html: str, testid: str) -> list[str]:
    """The text of every element of the page with ``data-testid="<testid>"``, spaces joined."""
    parser = _Texts()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts.get(testid, [])]


def text_of(html: str, testid: str) -> str:
    """The text of the one element with ``data-testid="<testid>"``."""
    found = texts_of(html, testid)
    assert len(found) == 1, f"{len(found)} elements with data-testid={testid!r}"
    return found[0]
