"""E-mail over SMTP: multipart text + HTML, Chinese subjects encoded (RFC 2047).

A digest carries the whole report as its HTML body and as a PDF attachment.
Built with `email.message.EmailMessage` under `email.policy.SMTP`; every header value loses
CR/LF and control characters, so a crawled headline cannot add recipients. `security`:
`starttls` (required: a server that does not offer it is an error, never a silent
downgrade), `ssl` (implicit TLS, port 465) or `none` (local relays only). Timeouts always.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, SecretStr

from brandguard.alerts.channels.base import Channel, DeliveryError
from brandguard.alerts.message import (
    AlertMessage,
    clean_header,
    digest_document,
    render_html,
    render_text,
)
from brandguard.configuration.channels import Address, ChannelOptions, Timeout
from brandguard.configuration.models import NonEmpty

if TYPE_CHECKING:
    from brandguard.configuration.models import Settings


class EmailChannelConfig(ChannelOptions):
    type: Literal["email"]
    host: NonEmpty
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: Address
    to: Annotated[list[Address], Field(min_length=1)]
    timeout: Timeout = 10.0


class EmailChannel(Channel):
    type = "email"
    Options = EmailChannelConfig

    def __init__(self, config: EmailChannelConfig,
                 tls: ssl.SSLContext | None = None) -> None:
        super().__init__(config.id)
        self.config = config
        self.tls = tls or ssl.create_default_context()

    @classmethod
    def from_config(cls, config: EmailChannelConfig, settings: Settings) -> EmailChannel:
        return cls(config)

    def build(self, message: AlertMessage) -> EmailMessage:
        mail = EmailMessage(policy=SMTP)
        mail["Subject"] = clean_header(message.subject)
        mail["From"] = self.config.sender
        mail["To"] = ", ".join(self.config.to)
        mail["X-Brandguard-Key"] = clean_header(message.key)
        mail.set_content(render_text(message))
        mail.add_alternative(render_html(message), subtype="html")
        if message.report is not None:  # a digest: the report as PDF too, to forward
            report = message.report
            mail.add_attachment(digest_document(message, "pdf"), maintype="application",
                                subtype="pdf",
                                filename=f"{report['brand']}-{report['from']}-{report['to']}.pdf")
        return mail

    def send(self, message: AlertMessage) -> None:
        mail = self.build(message)
        try:
            with self._connect() as smtp:
                if self.config.username and self.config.password is not None:
                    smtp.login(self.config.username, self.config.password.get_secret_value())
                smtp.send_message(mail, self.config.sender, list(self.config.to))
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                                retryable=400 <= exc.smtp_code < 500) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipients refused: {exc.recipients}", retryable=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}", retryable=True) from exc

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c.security == "ssl":
            return smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self.tls)
        smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        if c.security == "starttls":
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                smtp.close()
                raise DeliveryError(f"{c.host}:{c.port} does not offer STARTTLS; refusing to "
                                    "send in clear text (security: starttls)", retryable=False)
            smtp.starttls(context=self.tls)
        return smtp
