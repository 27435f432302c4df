"""The words of the receipt a change from Apple sends (R17), in the line's language, until
they join the SMS catalogues (kind ``app_store_change``, one text per ``effect``).

Every text says when Apple's change reached the account; a refund is Apple's, never the
provider's (R1). The Spanish avoids á, í, ó, ú so that it stays GSM-7 (R19).
"""

from __future__ import annotations

from typing import Any, Callable

from core import languages
from core.formatting import day

Words = dict[str, str]

RECEIPTS: dict[str, Words] = {
    "en": {
        "store_renewal_off": "{brand}: on {effective} Apple told us you cancelled {product} there. "
                             "It won't renew and works until {term_end}.",
        "store_renewal_on": "{brand}: on {effective} Apple told us {product} renews again. Paid through {term_end}.",
        "store_expired": "{brand}: on {effective} Apple told us {product} has ended.",
        "store_refunded": "{brand}: on {effective} Apple told us it refunded {product}, so it has ended. "
                          "The refund is Apple's; {brand} gives no refunds.",
        "store_revoked": "{brand}: on {effective} Apple told us {product} was revoked, so it has ended.",
        "store_refund_reversed": "{brand}: on {effective} Apple told us it reversed the refund of {product}. "
                                 "It works until {term_end}.",
        "store_subscribed": "{brand}: on {effective} Apple told us {product} is active again, until {term_end}.",
        "store_renewed": "{brand}: on {effective} Apple renewed {product} until {term_end}.",
        "other": "{brand}: on {effective} Apple changed {product}. Text PLANS to see it.",
    },
    "es": {
        "store_renewal_off": "{brand}: el {effective} Apple nos informa que cancelaste {product} en Apple. "
                             "No se renueva y funciona hasta el {term_end}.",
        "store_renewal_on": "{brand}: el {effective} Apple nos informa que {product} vuelve a renovarse. "
                            "Pagado hasta el {term_end}.",
        "store_expired": "{brand}: el {effective} Apple nos informa que {product} ha terminado.",
        "store_refunded": "{brand}: el {effective} Apple nos informa que te reembolsa {product}, que ha terminado. "
                          "El reembolso es de Apple; {brand} no hace reembolsos.",
        "store_revoked": "{brand}: el {effective} Apple nos informa que {product} fue revocado y ha terminado.",
        "store_refund_reversed": "{brand}: el {effective} Apple nos informa que anula el reembolso de {product}. "
                                 "Funciona hasta el {term_end}.",
        "store_subscribed": "{brand}: el {effective} Apple nos informa que {product} vuelve a estar activo, "
                            "hasta el {term_end}.",
        "store_renewed": "{brand}: el {effective} Apple renueva {product} hasta el {term_end}.",
        "other": "{brand}: el {effective} Apple cambia {product}. Escribe PLANES para verlo.",
    },
}


def receipt_for(brand: str, catalogue: Callable[..., str] | None = None) -> Callable[[str, dict[str, Any], str], str]:
    """The ``Request.receipt`` the App Store worker writes receipts with: the text channel's
    catalogue (``Deps.receipt_text``) under the effect's key once it has one, else these words."""
    def receipt(kind: str, values: dict[str, Any], language: str | None = None) -> str:
        effect = values.get("effect", "")
        lang = language if language in RECEIPTS else languages.DEFAULT_CODE
        if catalogue is not None:
            try:
                return catalogue(effect, values, brand=brand, lang=lang)
            except KeyError:
                pass  # not in the catalogue yet
        words = RECEIPTS[lang]
        text = words.get(effect, words["other"])
        return text.format(brand=brand, product=values["product"], effective=day(values["effective"], lang),
                           term_end=day(values.get("term_end"), lang))
    return receipt
