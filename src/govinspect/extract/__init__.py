"""HTML and attachments → page facts. Pure: (bytes, URL, capture time) in, PageFacts out."""

from govinspect.extract.core import extract_page
from govinspect.extract.facts import Encoding, Footer, Link, ListItem, Message, PageFacts

__all__ = ["extract_page", "PageFacts", "Footer", "Link", "ListItem", "Message", "Encoding"]
