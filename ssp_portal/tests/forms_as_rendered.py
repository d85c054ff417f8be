"""Forms read from a page as a browser reads them, to submit them as a browser would.

``forms_on(html, page_url)`` parses a page with Python's ``html.parser`` and returns its forms.
Each ``RenderedForm`` knows its action and method (a submit button's ``formaction`` and
``formmethod`` included), its fields with the values the page shows (inputs with their values,
checked boxes and radios, selected options, textareas) and the buttons that submit it. Controls
outside a ``<form>`` that name it with ``form="<id>"`` belong to it, as in a browser.

``form.entries()`` is what a browser sends when the form is submitted unchanged with its
default button (the first submit button, the one Enter presses): disabled and nameless
controls are left out, unchecked boxes send nothing, a single select without a selected option
sends its first option, a textarea's line breaks go as CRLF. ``form.values()`` is what the page
shows in each field, for comparing two renderings of the same form.

    page = client.get(url)
    form = forms_on(page.content.decode(), url)[0]
    response = client.post(form.action, form.data())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Inputs a person types into or chooses from; everything else is hidden, a button or a file.
TYPED_INPUTS = frozenset(
    {
        "text",
        "search",
        "email",
        "url",
        "tel",
        "password",
        "number",
        "range",
        "date",
        "datetime-local",
        "month",
        "week",
        "time",
        "color",
    }
)
BUTTON_TYPES = frozenset({"submit", "image", "reset", "button"})
# The token changes on every page; it is the page's, not the person's.
NOT_COMPARED = frozenset({"csrfmiddlewaretoken"})


@dataclass
class Option:
    value: str
    label: str
    selected: bool
    disabled: bool


@dataclass
class Control:
    """One field or button of a form."""

    tag: str  # input, select, textarea, button
    type: str  # input type, "select-one", "select-multiple", "textarea", button type
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)

    @property
    def is_button(self) -> bool:
        return self.tag == "button" or (self.tag == "input" and self.type in BUTTON_TYPES)

    @property
    def is_submit(self) -> bool:
        return self.is_button and self.type in {"submit", "image"}

    @property
    def is_hidden(self) -> bool:
        return self.tag == "input" and self.type == "hidden"

    @property
    def is_file(self) -> bool:
        return self.tag == "input" and self.type == "file"

    @property
    def is_choice(self) -> bool:
        return self.tag == "input" and self.type in {"checkbox", "radio"}

    @property
    def is_typed(self) -> bool:
        """A field a person fills in: typed, ticked or chosen (not hidden, a button or a file)."""
        if self.tag in {"select", "textarea"}:
            return True
        return self.tag == "input" and (self.type in TYPED_INPUTS or self.is_choice)

    def selected_values(self) -> list[str]:
        """The values a select sends: its selected options, else (single) its first option."""
        chosen = [o.value for o in self.options if o.selected and not o.disabled]
        if self.type == "select-multiple":
            return chosen
        if chosen:
            return chosen[-1:]  # a single select keeps the last option marked selected
        enabled = [o.value for o in self.options if not o.disabled]
        return enabled[:1]

    def shown(self) -> str | list[str] | bool | None:
        """What the page shows in this control (for comparing renderings)."""
        if self.tag == "select":
            return self.selected_values()
        if self.is_choice:
            return self.checked
        if self.tag == "textarea":
            return self.value.replace("\r\n", "\n")
        return self.value


@dataclass
class RenderedForm:
    page_url: str
    index: int  # its place among the page's forms
    action_attr: str
    method_attr: str
    enctype: str
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    @property
    def default_button(self) -> Control | None:
        return next((c for c in self.controls if c.is_submit and not c.disabled), None)

    def _submitter_attr(self, submitter: Control | None, name: str, fallback: str) -> str:
        if submitter is not None and name in submitter.attrs:
            return submitter.attrs[name]
        return fallback

    def action_for(self, submitter: Control | None = None) -> str:
        action = self._submitter_attr(submitter, "formaction", self.action_attr)
        return urljoin(self.page_url, action) if action else self.page_url

    def method_for(self, submitter: Control | None = None) -> str:
        return (self._submitter_attr(submitter, "formmethod", self.method_attr) or "get").lower()

    @property
    def action(self) -> str:
        """The address the default button sends the form to (path and query, no host)."""
        parts = urlsplit(self.action_for(self.default_button))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def method(self) -> str:
        return self.method_for(self.default_button)

    @property
    def fields(self) -> list[Control]:
        return [c for c in self.controls if not c.is_button]

    @property
    def typed_fields(self) -> list[Control]:
        return [c for c in self.fields if c.is_typed and c.name and not c.disabled]

    @property
    def file_fields(self) -> list[Control]:
        return [c for c in self.fields if c.is_file and not c.disabled]

    def entries(self, submitter: Control | bool | None = True) -> list[tuple[str, str]]:
        """The (name, value) pairs a browser sends; ``submitter=True`` means the default button."""
        button = self.default_button if submitter is True else (submitter or None)
        pairs: list[tuple[str, str]] = []
        for control in self.controls:
            if not control.name or control.disabled:
                continue
            if control.is_button:
                if control is button and control.type == "submit":
                    pairs.append((control.name, control.value))
                continue
            if control.is_file:
                continue  # no file chosen: nothing is sent
            if control.is_choice:
                if control.checked:
                    pairs.append((control.name, control.value or "on"))
            elif control.tag == "select":
                pairs.extend((control.name, value) for value in control.selected_values())
            elif control.tag == "textarea":
                pairs.append((control.name, control.value.replace("\r\n", "\n").replace("\n", "\r\n")))
            else:
                pairs.append((control.name, control.value))
        return pairs

    def data(self, submitter: Control | bool | None = True) -> dict[str, str | list[str]]:
        """``entries()`` as the Django test client takes them (repeated names become lists)."""
        data: dict[str, str | list[str]] = {}
        for name, value in self.entries(submitter):
            if name in data:
                previous = data[name]
                data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                data[name] = value
        return data

    def values(self) -> dict[str, list]:
        """What the page shows, per field name (buttons, files and the CSRF token left out)."""
        shown: dict[str, list] = {}
        for control in self.fields:
            if control.name and not control.is_file and control.name not in NOT_COMPARED:
                shown.setdefault(control.name, []).append(control.shown())
        return shown

    def prefilled(self) -> list[Control]:
        """The fields that show something stored: a typed value, a tick, an option marked chosen
        (a select that falls back on its first option shows a default, not a stored value)."""
        found = []
        for control in self.typed_fields:
            if control.tag == "select":
                chosen = [o for o in control.options if o.selected and o.value]
                if chosen:
                    found.append(control)
            elif control.is_choice:
                if control.checked:
                    found.append(control)
            elif control.value.strip():
                found.append(control)
        return found

    def __repr__(self) -> str:
        return f"<RenderedForm {self.method.upper()} {self.action} on {self.page_url} #{self.index}>"


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[RenderedForm] = []
        self.by_id: dict[str, RenderedForm] = {}
        self.pending: list[tuple[str, Control]] = []  # controls naming a form not yet seen
        self.current: RenderedForm | None = None
        self.select: Control | None = None
        self.option: Option | None = None
        self.option_text: list[str] = []
        self.option_has_value = False
        self.textarea: Control | None = None
        self.button: Control | None = None
        self.button_text: list[str] = []
        self.disabled_fieldsets = 0
        self.fieldset_stack: list[bool] = []

    # Association -------------------------------------------------------------------------

    def _attach(self, control: Control, attrs: dict[str, str]) -> None:
        owner_id = attrs.get("form")
        if owner_id:
            owner = self.by_id.get(owner_id)
            if owner is None:
                self.pending.append((owner_id, control))
            else:
                owner.controls.append(control)
        elif self.current is not None:
            self.current.controls.append(control)

    def _control(self, tag: str, type_: str, attrs: dict[str, str], **kwargs) -> Control:
        return Control(
            tag=tag,
            type=type_,
            name=attrs.get("name", ""),
            disabled="disabled" in attrs or self.disabled_fieldsets > 0,
            attrs=attrs,
            **kwargs,
        )

    # Tags --------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: (value if value is not None else "") for name, value in attr_list}
        if tag == "form":
            if self.current is not None:
                return  # a nested form tag is ignored by browsers
            form = RenderedForm(
                page_url=self.page_url,
                index=len(self.forms),
                action_attr=attrs.get("action", ""),
                method_attr=attrs.get("method", "get"),
                enctype=attrs.get("enctype", "application/x-www-form-urlencoded"),
                attrs=attrs,
            )
            self.forms.append(form)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = form
            self.current = form
        elif tag == "fieldset":
            disabled = "disabled" in attrs
            self.fieldset_stack.append(disabled)
            self.disabled_fieldsets += disabled
        elif tag == "input":
            type_ = attrs.get("type", "text").lower() or "text"
            control = self._control(
                "input",
                type_,
                attrs,
                value=attrs.get("value", ""),
                checked="checked" in attrs,
            )
            self._attach(control, attrs)
        elif tag == "select":
            multiple = "multiple" in attrs
            self.select = self._control("select", "select-multiple" if multiple else "select-one", attrs)
            self._attach(self.select, attrs)
        elif tag == "option" and self.select is not None:
            self._close_option()
            self.option = Option(
                value=attrs.get("value", ""),
                label="",
                selected="selected" in attrs,
                disabled="disabled" in attrs,
            )
            self.option_has_value = "value" in attrs
            self.option_text = []
        elif tag == "textarea":
            self.textarea = self._control("textarea", "textarea", attrs)
            self._attach(self.textarea, attrs)
        elif tag == "button":
            self.button = self._control(
                "button", attrs.get("type", "submit").lower() or "submit", attrs, value=attrs.get("value", "")
            )
            self.button_text = []
            self._attach(self.button, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in {"input"}:
            self.handle_endtag(tag)

    def _close_option(self) -> None:
        if self.option is None or self.select is None:
            return
        text = " ".join("".join(self.option_text).split())
        self.option.label = text
        if not self.option_has_value:
            self.option.value = text
        self.select.options.append(self.option)
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "fieldset" and self.fieldset_stack:
            self.disabled_fieldsets -= self.fieldset_stack.pop()
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # The parser drops one line break right after <textarea>.
            if self.textarea.value.startswith("\r\n"):
                self.textarea.value = self.textarea.value[2:]
            elif self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None
        elif tag == "button" and self.button is not None:
            self.button.attrs.setdefault("_text", " ".join("".join(self.button_text).split()))
            self.button = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option is not None:
            self.option_text.append(data)
        if self.button is not None:
            self.button_text.append(data)

    def close(self) -> None:
        super().close()
        self._close_option()
        for owner_id, control in self.pending:
            if owner_id in self.by_id:
                self.by_id[owner_id].controls.append(control)


def forms_on(html: str, page_url: str) -> list[RenderedForm]:
    """Every form of a page, in the order they appear."""
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def links_on(html: str, page_url: str) -> list[str]:
    """The addresses of the page's links (``<a href>``), resolved against the page."""

    class _Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                href = dict(attrs).get("href")
                if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
                    self.found.append(urljoin(page_url, href))

    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.found
