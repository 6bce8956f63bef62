"""The quarterly 通报: build it from a scored round (pure), write it as .docx / .xlsx / HTML."""

from govinspect.reports.notice.build import NoticeTemplateError, build_notice, notice_context
from govinspect.reports.notice.model import Notice, NoticeMeta, Paragraph, Table

__all__ = ["Notice", "NoticeMeta", "NoticeTemplateError", "Paragraph", "Table", "build_notice",
           "notice_context"]

from govinspect.reports.notice.docx import write_docx  # noqa: E402
from govinspect.reports.notice.html import render_html  # noqa: E402
from govinspect.reports.notice.xlsx import write_xlsx  # noqa: E402

__all__ += ["render_html", "write_docx", "write_xlsx"]
