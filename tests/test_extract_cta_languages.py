"""Calls to action are recognised in German, French, Spanish, Italian and Portuguese too."""

from __future__ import annotations

import pytest

from progleton.extract.boilerplate import STRONG, appeal_score

APPEALS = [
    "Unterstützen Sie unseren unabhängigen Journalismus: Jetzt spenden!",
    "Newsletter abonnieren und keine Nachricht mehr verpassen. Jetzt kostenlos testen.",
    "Abonnez-vous pour lire la suite. Votre soutien rend notre travail possible.",
    "Soutenez-nous : faites un don dès aujourd'hui, votre soutien compte.",
    "Suscríbete a nuestro boletín y recibe las noticias en tu correo. Tu apoyo es clave.",
    "Iscriviti alla newsletter: il tuo sostegno ci permette di continuare.",
    "Assine já e tenha acesso ilimitado. Já é assinante? Faça login.",
]

NEWS = [
    "Die Regierung hat am Dienstag neue Regeln für Spenden an Parteien beschlossen.",
    "Le ministre a annoncé mardi une hausse de 3 % des abonnements de transport en commun.",
    "El gobierno aprobó el martes una ley sobre donaciones a partidos, según el ministerio.",
    "Il governo ha approvato martedì nuove regole sugli abbonamenti, ha detto il ministro.",
    "O governo anunciou na terça-feira novas regras para doações a partidos, disse o ministro.",
]


@pytest.mark.parametrize("text", APPEALS)
def test_appeals_in_other_languages_score_as_appeals(text: str) -> None:
    assert appeal_score(text) >= STRONG, text


@pytest.mark.parametrize("text", NEWS)
def test_news_about_donations_in_other_languages_is_not_an_appeal(text: str) -> None:
    assert appeal_score(text) < STRONG, text
