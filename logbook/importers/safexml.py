"""Reading uploaded XML safely, with errors a person can act on.

Every XML file an athlete uploads goes through defusedxml, which refuses
entity declarations (the "billion laughs" bomb) and external entities or DTDs
fetched from elsewhere. Parse errors become ImportFileError naming the line.
"""

import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as DET

from logbook.importers.base import ImportFileError


def looks_like_xml(head: bytes) -> bool:
    """Whether the first bytes start with markup (after a byte-order mark and blanks)."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def parse(data: bytes, file: str) -> ET.Element:
    """The root element of a small XML document (TCX, GPX), read safely."""
    try:
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, defusedxml.DefusedXmlException) as exc:
        raise error(file, exc) from exc


def error(file: str, exc: Exception) -> ImportFileError:
    """ImportFileError for what the XML parser or defusedxml refused."""
    if isinstance(exc, defusedxml.EntitiesForbidden):
        return ImportFileError(
            file,
            "the file declares XML entities, which are refused: they can expand "
            "to gigabytes and no workout export needs them.",
            field=f"<!ENTITY {exc.name}>",
        )
    if isinstance(exc, defusedxml.DefusedXmlException):
        return ImportFileError(file, f"the file asks for something unsafe ({exc}); refused.")
    if isinstance(exc, ET.ParseError):
        line, column = exc.position  # expat counts columns from 0
        reason = str(exc).split(":")[0]
        return ImportFileError(
            file,
            f"this is not well-formed XML ({reason}).",
            where=f"line {line}, column {column + 1}",
        )
    raise TypeError(exc)


def local(tag: str) -> str:
    """A tag without its namespace: '{http://…/v2}Lap' -> 'Lap'."""
    return tag.rpartition("}")[2]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """The direct children with this local name, whatever their namespace."""
    return [child for child in element if local(child.tag) == name]


def child_text(element: ET.Element, name: str) -> str | None:
    """The stripped text of the first direct child with this local name."""
    for child in children(element, name):
        return (child.text or "").strip()
    return None
