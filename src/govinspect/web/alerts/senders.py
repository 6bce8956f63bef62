"""Sending one message to one recipient: 企业微信 / 钉钉 group robots (JSON webhooks) and e-mail
(SMTP through Django's mail backend). Any failure raises ``SendError``; the outbox retries."""

from __future__ import annotations

import json
import smtplib
import time
import urllib.error
import urllib.request

from django.conf import settings

from govinspect.core.alerts import dingtalk_signed_url, robot_payload
from govinspect.web.alerts.models import Channel, Recipient

TIMEOUT_S = 15


class SendError(Exception):
    pass


def _post_json(url: str, payload: dict) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "govinspect-alerts"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"连接失败：{getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SendError("机器人返回的不是 JSON") from exc
    # both robots answer {"errcode": 0, "errmsg": "ok"} on success
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        raise SendError(f"机器人拒绝：{str(answer)[:200]}")


def _send_email(to: str, title: str, body: str) -> None:
    from django.core.mail import EmailMessage, get_connection

    connection = get_connection(
        getattr(settings, "GOVINSPECT_ALERT_EMAIL_BACKEND",
                "django.core.mail.backends.smtp.EmailBackend"),
        fail_silently=False)
    try:
        EmailMessage(title, body, settings.DEFAULT_FROM_EMAIL, [to],
                     connection=connection).send()
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"邮件发送失败：{exc}") from exc


def send(recipient: Recipient, title: str, body: str) -> None:
    if recipient.channel == Channel.EMAIL:
        _send_email(recipient.target, title, body)
        return
    url = recipient.target
    if recipient.channel == Channel.DINGTALK and recipient.secret:
        url = dingtalk_signed_url(url, recipient.secret, int(time.time() * 1000))
    _post_json(url, robot_payload(title, body))
