"""Read a rendered form and submit it as a browser would, with no changes.

Tests of "an unchanged save changes nothing" must send back exactly what the
page shows, not what the test thinks it shows: values of inputs, the checked
radios and checkboxes, the selected options and the text of text areas.
"""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    def __init__(self, form_class: str):
        super().__init__(convert_charrefs=True)
        self.form_class = form_class
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_class in (attrs.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.data.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser sends a text area's line breaks as CRLF, and drops the
            # one line break that directly follows <textarea>.
            text = "".join(self.text).removeprefix("\n").replace("\r\n", "\n")
            self.data.append((self.textarea, text.replace("\n", "\r\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def form_data(html: str, form_class: str = "entry-form") -> dict:
    """The POST body a browser sends for the form, unchanged: {name: value or [values]}."""
    reader = FormReader(form_class)
    reader.feed(html)
    body: dict = {}
    for name, value in reader.data:
        if name in body:
            body[name] = (
                [*body[name], value] if isinstance(body[name], list) else [body[name], value]
            )
        else:
            body[name] = value
    return body
