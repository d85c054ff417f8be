"""Forms read from a page's HTML and submitted as a browser would, without a browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    disabled: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)
    id: str = ""


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    def data(self, button: str | None = None) -> dict[str, str | list[str]]:
        """What the browser posts: enabled controls, checked boxes, selected options; ``button`` is
        the name of the submit button pressed (none by default)."""
        data: dict[str, str | list[str]] = {}

        def put(name: str, value: str) -> None:
            if name in data:
                current = data[name]
                data[name] = [*current, value] if isinstance(current, list) else [current, value]
            else:
                data[name] = value

        for control in self.controls:
            if control.disabled or not control.name:
                continue
            if control.tag == "select":
                chosen = [v for v, selected in control.options if selected] or [
                    v for v, _selected in control.options[:1]
                ]
                for value in chosen:
                    put(control.name, value)
            elif control.type in ("checkbox", "radio"):
                if control.checked:
                    put(control.name, control.value or "on")
            elif control.type in ("submit", "button", "image", "reset"):
                if button is not None and control.name == button:
                    put(control.name, control.value)
            elif control.type == "file":
                continue
            else:
                put(control.name, control.value)
        return data

    def control(self, name: str) -> Control:
        return next(c for c in self.controls if c.name == name)

    def values(self) -> dict[str, str | list[str]]:
        """What a person sees in the form's fields (disabled ones included, buttons excluded)."""
        shown = Form(
            self.action,
            self.method,
            self.attrs,
            [Control(**{**c.__dict__, "disabled": False}) for c in self.controls],
        )
        return shown.data()


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: list | None = None
        self._textarea: Control | None = None
        self._template_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "template":
            self._template_depth += 1
            return
        if self._template_depth:
            return
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), a)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            self._form.controls.append(
                Control(
                    "input",
                    a.get("name", ""),
                    kind,
                    a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                    "checked" in a,
                    "disabled" in a,
                    id=a.get("id", ""),
                )
            )
        elif tag == "select":
            self._select = Control("select", a.get("name", ""), disabled="disabled" in a, id=a.get("id", ""))
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea":
            self._textarea = Control(
                "textarea", a.get("name", ""), "textarea", "", disabled="disabled" in a, id=a.get("id", "")
            )
            self._form.controls.append(self._textarea)
        elif tag == "button":
            self._form.controls.append(
                Control("button", a.get("name", ""), a.get("type", "submit").lower(), a.get("value", ""))
            )

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template_depth = max(0, self._template_depth - 1)
            return
        if self._template_depth:
            return
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options.append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_of(html: str, **attrs: str) -> Form:
    """The one form of the page whose attributes include ``attrs`` (``data_row_editor=""``)."""
    wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
    matching = [f for f in forms_of(html) if all(f.attrs.get(k) == v for k, v in wanted.items())]
    assert len(matching) == 1, f"{len(matching)} forms match {wanted}"
    return matching[0]
