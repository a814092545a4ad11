"""The letter a mailing prints, in the panel's words and languages."""

from __future__ import annotations

from datetime import date

from .mailings import default_text
from .models import Mailing

LABELS = {
    "es": {
        "code": "Su código de registro",
        "scan": "Escanee para registrarse",
        "call": "O llámenos",
        "dates": "Fechas",
        "register_at": "Regístrese en",
    },
}
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre"]


def _dates(mailing: Mailing, language: str) -> list[str]:
    settings = mailing.panel.registration
    days = [date.fromisoformat(d) for d in (settings.session_dates if settings else [])]
    if language == "es":
        return [f"{d.day} de {MONTHS_ES[d.month - 1]} de {d.year}" for d in days]
    return [d.strftime("%A %-d %B %Y") for d in days]


def letter_template(mailing: Mailing, url: str):
    from .letters import LetterTemplate

    panel = mailing.panel
    settings = panel.registration
    phone = settings.phone if settings else None
    common = {"organisation_name": panel.organisation.name, "panel_title": panel.title,
              "registration_url": url, "phone": phone, "page_size": mailing.page_size,
              "envelope": mailing.envelope}
    back = None
    if mailing.second_language and mailing.second_letter_text:
        back = LetterTemplate(body=mailing.second_letter_text, dates=_dates(mailing, mailing.second_language),
                              signatory=None, language=mailing.second_language,
                              labels=LABELS.get(mailing.second_language), **common)
    return LetterTemplate(body=mailing.letter_text or default_text(panel), dates=_dates(mailing, "en"),
                          signatory=f"{panel.organisation.name}, Democracy Team", language="en", back=back,
                          **common)
