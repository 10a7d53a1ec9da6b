"""Sending e-mail over SMTP, configured by `PAIRPULSE_SMTP_URL` (docs/deployment.md).

`smtp://user:password@host:587?starttls=1` (STARTTLS), `smtps://user:password@host:465` (TLS
from the start) or `smtp://host:25` (no sign-in). The sender is `PAIRPULSE_MAIL_FROM`. Unset:
no mail server is configured and nothing is sent (messages stay in the outbox).
"""

import contextlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlparse

SMTP_URL_ENV = "PAIRPULSE_SMTP_URL"
MAIL_FROM_ENV = "PAIRPULSE_MAIL_FROM"
PUBLIC_URL_ENV = "PAIRPULSE_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501"
DEFAULT_MAIL_FROM = "PairPulse <pairpulse@localhost>"
NOT_CONFIGURED = "not sent: no mail server configured"
_TIMEOUT_SECONDS = 20


class MailConfigError(ValueError):
    """`PAIRPULSE_SMTP_URL` cannot be understood; the message says why."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: bool  # smtps: TLS from the start
    starttls: bool
    username: str | None
    password: str | None
    sender: str


def smtp_settings(url: str | None = None, sender: str | None = None) -> SmtpSettings | None:
    """The mail server `url` (default `PAIRPULSE_SMTP_URL`) names, or None when unset."""
    url = (url if url is not None else os.environ.get(SMTP_URL_ENV, "")).strip()
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
        raise MailConfigError(
            f"{SMTP_URL_ENV} must look like smtp://user:password@host:587?starttls=1 "
            f"or smtps://user:password@host:465, not {parsed.scheme or 'no scheme'}://…"
        )
    query = parse_qs(parsed.query)
    starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    try:
        port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
    except ValueError as error:
        raise MailConfigError(f"{SMTP_URL_ENV} has a port that is not a number") from error
    return SmtpSettings(
        host=parsed.hostname,
        port=port,
        tls=parsed.scheme == "smtps",
        starttls=starttls,
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        sender=sender or os.environ.get(MAIL_FROM_ENV, "").strip() or DEFAULT_MAIL_FROM,
    )


def public_url() -> str:
    """Where participants open their links (`PAIRPULSE_PUBLIC_URL`)."""
    return os.environ.get(PUBLIC_URL_ENV, "").strip() or DEFAULT_PUBLIC_URL


class Mailer:
    """One SMTP connection for a run's messages (opened on first use, closed by `close`)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=_TIMEOUT_SECONDS)
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        return smtp

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one plain-text message; raises `smtplib.SMTPException` or `OSError` on failure."""
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="pairpulse")
        message.set_content(body)
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self._smtp = None
            raise

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None
