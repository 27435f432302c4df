"""Every word the SMS channel sends in Spanish: sms/replies.py's twin, with exactly the same
keys (tests hold them to it), the same rules and the same required content (R10, R16, R20).

Written in "tú", as US brands text in Spanish, and kept so. Commands are shown in capitals with
their accents (CANCELAR LÍNEA); vocabulary/es.py reads them with or without. The brand is a
value, never translated. R19: á, í, ó, ú make a text UCS-2 (70 units, 67 a part: about 200
characters in 3 segments), so sentences are short, long lists are summarised or paged by the
same implementation as English (`Shaped`), and where two natural wordings exist the one
without those letters is used ("Escribe", "saldo", SIGUIENTE), which keeps PLANS and REFUND
in GSM-7.
"""

from __future__ import annotations

from core.formatting import and_list, day
from core.phone import display
from sms.replies import Phrases, Reply, Shaped, not_active, plan_next, which

_FINAL = "Sin reembolso. No se puede deshacer."  # R1, R3: in every confirmation of the line
_LINE_DONE = "{prefix}Listo: la línea {number} está cancelada. Funciona hasta el {day}. Sin reembolso."

ES = Shaped(Phrases(
    lang="es",
    and_more=" y otros {n}",
    count_one="{n} plan",
    count_many="{n} planes",
    # PLANS stays GSM-7 (459 septets, not 201 units) for ASCII names: the number stands for the
    # line, "saldo" for the credits, SIGUIENTE for MÁS (both are read).
    plan_renews="{product}{store} se renueva el {day}",
    plan_ends="{product}{store} termina el {day}",
    plan_store_off="{product}{store} cancelado en Apple, funciona hasta el {day}",
    plan_store_retry="{product}{store}: Apple no pudo renovarlo, actualiza tu pago en Apple",
    app_store=" (App Store)",
    line="{number}",
    line_status="{number} ({status})",
    plans_page="{head}, planes {span} de {total}: {body}",
    plans_page_one="{head}, plan {span} de {total}: {body}",
    plans_tail=". Saldo: {credits}. Para cancelar uno: CANCELAR PLAN nombre",
    plans_tail_short=". Saldo: {credits}.",
    plans_tail_store=". Saldo: {credits}. Los planes del App Store solo se cancelan en tu cuenta de Apple",
    more_hint="Ver el resto: SIGUIENTE.",
    plans_none="{number} ({status}): sin planes.",
    plans_past="Esos son todos los planes de {number}. Escribe PLANES para verlos otra vez.",
    refund="No hay reembolsos de ninguna clase (planes, complementos, saldo, cargos de portabilidad).",
    refund_ask=" Para ver tus fechas de fin de periodo:",
    refund_dates=" Conservas el servicio hasta el fin de cada periodo: {dates}{more}.",
    refund_no_dates=" Conservas el servicio hasta el fin de cada periodo: escribe PLANES para ver las fechas.",
    refund_term="{product} hasta el {day}",
    refund_more="; y otros {n}: escribe PLANES para ver sus fechas",
    plan_named="No hay un plan llamado \"{asked}\". ",
    plan_unnamed="No hay un plan con ese nombre. ",
    which_plan="{lead}¿Qué plan? Responde {listed}{more}",
    which_plan_by_name="{lead}¿Qué plan? Responde con su nombre (escribe PLANES para verlos)",
    which_plan_more=" o el nombre de alguno de los otros {n} (escribe PLANES para verlos)",
    which_line="¿Qué línea? Responde con sus últimos 4 dígitos: {listed}{more}",
    which_line_more=" o los de otras {n} líneas",
    confirm_number_plan=("¿Cancelar tu plan de número {product}? La línea {number} funciona hasta el {day} y luego "
                         "se libera el número. Sin reembolso.{then} Responde SÍ para confirmar o NO.",
                         "¿Cancelar el plan de número {product}? La línea {number} funciona hasta el {day} y luego "
                         "se libera el número. Sin reembolso. Responde SÍ o NO.",
                         "¿Cancelar {product}? Funciona hasta el {day} y luego se libera el número. Sin reembolso. "
                         "Responde SÍ o NO.",
                         "¿Cancelar {product}? Hasta el {day}; luego se libera el número. Sin reembolso. ¿SÍ o NO?"),
    confirm_feature=("¿Cancelar {product}? Deja de renovarse y funciona hasta el {day}. Sin reembolso.{then} "
                     "Responde SÍ para confirmar o NO.",
                     "¿Cancelar {product}? Funciona hasta el {day}. Sin reembolso. Responde SÍ o NO."),
    confirm_then_line=" Luego seguimos con la línea.",
    done_plan="{prefix}Listo: {product} no se renovará. Funciona hasta el {day}. Sin reembolso.",
    done_number_plan=("{prefix}Listo: tu plan de número {product} no se renovará. La línea {number} funciona hasta el "
                      "{day} y luego se libera el número. Sin reembolso."),
    confirm_line=("¿Cancelar la línea {number} y todos sus planes? Funciona hasta el {day} y luego se libera el "
                  "número. " + _FINAL + " Responde SÍ para confirmar o NO.",),
    # With App Store plans: Apple keeps billing them (R6), by name where that fits; Apple's page
    # where that fits too (the receipt has it).
    # With App Store plans (R6): Apple keeps billing them; their names where they fit, Apple's
    # page in the receipt (3 UCS-2 segments hold no more).
    confirm_line_store=("¿Cancelar la línea {number}? Paran nuestros planes; Apple sigue cobrando {plans} si no "
                        "cancelas allí. Funciona hasta el {day}. " + _FINAL + " Responde SÍ o NO.",),
    done_line=(_LINE_DONE,),
    done_line_store=("{prefix}Listo: la línea {number} está cancelada; nuestros planes no se renuevan. Funciona "
                     "hasta el {day}. Sin reembolso. Apple sigue cobrando {plans} hasta que canceles en tu cuenta "
                     "de Apple: {url}",
                     "{prefix}Línea {number} cancelada; funciona hasta el {day}. Sin reembolso. Apple sigue "
                     "cobrando {plans}: cancela en Apple: {url}"),
    # Apple's steps and page leave no room in 3 UCS-2 segments for the portal add-ons too: they
    # are named at the next CANCELAR LÍNEA (R4).
    store_addons=("Primero cancela {addons} en tu cuenta de Apple (Suscripciones > la app > Cancelar): {url} "
                  "Luego escribe CANCELAR LÍNEA.",),
    store_addons_portal=" Cancela también {addons}: CANCELAR PLAN nombre",
    already_cancelled="{product} ya está cancelado{ends}. No se cambió nada. Escribe PLANES para ver tus planes.",
    already_cancelled_short="{product} ya está cancelado{ends}. Escribe PLANES.",
    already_cancelled_ends=" y funciona hasta el {day}",
    that="Eso",
    statuses={"active": "activa", "suspended": "suspendida", "cancel_pending": "cancelada al final del periodo",
              "cancelled": "cancelada", "released": "liberada"},
))
MORE_HINT = ES.p.more_hint

_REASONS = ("1 fallan las llamadas, 2 me cancelaron el número, 3 no suena o no llegan mensajes, "
            "4 no me gusta el número, 5 llamadas de spam")
FIX_OFFERS = {
    "voice_network_mode": "¿Fallan las llamadas? Usar la red de voz para llamar, no los datos, suele resolverlo.",
    "reactivate": "En vez de eso, podemos reactivar tu número.",
    "device_settings": "¿No suena o no llegan mensajes? Revisar los ajustes del teléfono suele resolverlo.",
    "change_number": "Puedes cambiar tu número en vez de irte.",
    "block_spam": "Puedes bloquear números de spam gratis.",
}
FIX_GUIDANCE = {
    "voice_network_mode": ("En los ajustes de la app, haz que las llamadas entrantes y salientes usen la red de voz, "
                           "no los datos."),
    "device_settings": ("Revisa que las notificaciones estén activadas, que No molestar esté desactivado y que la "
                        "app tenga permiso para el micrófono y las notificaciones."),
}
ACTIONS = {"block": "bloquear", "unblock": "desbloquear"}


# The command that starts each journey again (for the words that say how to finish one).
COMMAND_WORDS = {"cancel_plan": "CANCELAR PLAN", "cancel_line": "CANCELAR LINEA", "reactivate": "REACTIVAR",
                 "change_number": "CAMBIAR NUMERO", "block": "BLOQUEAR", "unblock": "DESBLOQUEAR",
                 "plans": "PLANES", "refund": "REEMBOLSO", "troubleshoot": "AYUDA", "agent": "AGENTE"}

# Issue 11: what each journey offers when a request was vague or the bot unsure (ask_which).
WHICH = {"plans": "ver tus planes", "refund": "conocer nuestra política de reembolsos",
         "cancel_plan": "cancelar un plan o complemento", "cancel_line": "cancelar toda la línea",
         "reactivate": "reactivar tu línea", "change_number": "cambiar tu número", "block": "bloquear un número",
         "unblock": "desbloquear un número", "troubleshoot": "resolver un problema con llamadas, timbre o mensajes",
         "agent": "hablar con una persona"}

WHICH.update({"term_end": "saber cuándo terminan tus planes", "cancel_effects": "saber qué pasa si cancelas",
              "appstore": "ver los pasos de Apple", "capabilities": "saber qué podemos hacer",
              "port_out": "llevar tu número a otra compañía", "billing": "preguntar por cobros",
              "undo_cancel": "deshacer una cancelación", "lost_phone": "ayuda con un teléfono perdido",
              "callback": "que te llamemos",
              "number_info": "saber cómo se cambia el número"})  # issue 21
# De qué trata una pregunta o lo contado: un trámite, o "cancel", una cancelación sin decir cuál.
ABOUT = {**WHICH, "cancel": "cancelar un plan o tu línea"}
ABOUT_COMMANDS = {**COMMAND_WORDS, "cancel": "CANCELAR PLAN o CANCELAR LINEA"}

REPLIES: dict[str, Reply] = {
    # consent and help (R16)
    # Every command, written as typed (the keywords ignore accents), so GSM-7 holds it all in
    # 2-3 segments (R19); a brand that forces UCS-2 gets the shorter list after it.
    "help": ES.one_of("{brand}: PLANES (y MAS), CANCELAR PLAN, CANCELAR LINEA, REEMBOLSO, REACTIVAR, CAMBIAR NUMERO, "
                      "BLOQUEAR, DESBLOQUEAR, AGENTE (una persona). ¿Olvidaste tu PIN? Responde CODIGO cuando te lo "
                      "pidamos. Pueden aplicarse tarifas de mensajes y datos. Responde ALTO para dejar de recibir "
                      "mensajes.",
                      "{brand}: PLANES, CANCELAR PLAN o LÍNEA, REEMBOLSO, REACTIVAR, CAMBIAR NÚMERO, BLOQUEAR, "
                      "AGENTE (una persona). Pueden aplicarse tarifas de mensajes y datos. Responde ALTO para "
                      "no recibir más.",
                      "{brand}: PLANES, CANCELAR PLAN o LÍNEA, REEMBOLSO, REACTIVAR, CAMBIAR NÚMERO, BLOQUEAR, "
                      "AGENTE. Pueden aplicarse tarifas de mensajes y datos. Responde ALTO para no recibir más."),
    "opted_out": lambda v: ((f"{v['brand']}: ya no te enviaremos mensajes. Esto no canceló ningún plan ni línea. "
                             "Para cancelar planes, escribe COMENZAR y luego CANCELAR PLAN nombre o CANCELAR LÍNEA.")
                            if v.get("plans") else
                            (f"{v['brand']}: ya no te enviaremos mensajes. Esto no canceló ningún plan ni línea. "
                             "Responde COMENZAR para volver a recibirlos.")),
    "opted_in": lambda v: (f"{v['brand']}: vuelves a recibir mensajes. Responde AYUDA para ver los comandos. "
                           "Responde ALTO para no recibir más."),
    "already_subscribed": lambda v: f"{v['brand']}: ya recibes nuestros mensajes. Responde AYUDA para ver los comandos.",
    "media_only": lambda v: "Solo podemos leer texto. Responde AYUDA para ver los comandos.",
    "unavailable": lambda v: ("Lo sentimos, ahora no podemos atender solicitudes. No se cambió nada. Inténtalo "
                              "pronto o responde AGENTE para hablar con una persona."),
    "offer_person": lambda v: "Responde AGENTE para hablar con una persona.",
    "error": lambda v: ("Lo sentimos, algo falló de nuestro lado. Escribe PLANES para ver cómo está todo, o AGENTE "
                        "para hablar con una persona."),
    "not_applied": lambda v: "Lo sentimos, no se pudo completar: no se cambió nada. Envíalo otra vez, por favor.",
    "outcome_unknown": lambda v: ("Lo sentimos, no pudimos confirmar si se completó. Escribe PLANES para comprobarlo; "
                                  "enviarlo otra vez nunca lo aplica dos veces."),
    "slow_down": lambda v: "Estás enviando muchos mensajes. Te responderemos de nuevo en un minuto.",
    # public information (R1, R8)
    "refund_policy": ES.refund,
    "refund_policy_terms": ES.refund,
    # identification and PIN (R8, R9)
    "ask_pin": lambda v: ("Para proteger tu cuenta, responde con el PIN de tu línea. ¿Escribes desde otro teléfono? "
                          "Responde primero con el número de tu línea."),
    "ask_pin_for_line": lambda v: "Ahora responde con el PIN de esa línea.",
    "pin_format": lambda v: "El PIN tiene de 4 a 8 dígitos. Responde con el PIN de tu línea.",
    "pin_wrong": lambda v: "No pudimos verificar ese PIN. Envíalo otra vez, o CODIGO si lo olvidaste.",
    # Dicho tras pin_wrong, que ya nombra CODIGO.
    "last_try": lambda v: f"Un intento fallido más bloquea el PIN {v['minutes']} min. O escribe AGENTE.",
    # un PIN olvidado (R21): un código de un solo uso al número de la propia línea
    "code_which_line": lambda v: ("Enviaremos un código de un solo uso al número de la propia línea. Responde con el "
                                  "número completo de esa línea."),
    "code_sent": lambda v: (f"Si el número que termina en {v['last4']} es una de nuestras líneas, le enviamos un "
                            f"código de 6 dígitos. Responde aquí con el código; sirve una vez, durante {v['minutes']} min."),
    "code_format": lambda v: ("El código tiene 6 dígitos. Responde con el código que enviamos a tu línea, o CODIGO "
                              "para uno nuevo."),
    "code_wrong": lambda v: ("No pudimos verificar ese código. Responde con el último código que enviamos, o CODIGO "
                             "para uno nuevo."),
    "code_limit": lambda v: (f"Ya enviamos todos los códigos posibles esta hora al número que termina en {v['last4']}. "
                             "Usa el último, o responde AGENTE para hablar con una persona."),
    "code_opted_out": lambda v: (f"El número que termina en {v['last4']} desactivó nuestros mensajes, así que no "
                                 "podemos enviarle un código. Escribe COMENZAR desde ese número, o AGENTE."),
    "pin_ok": lambda v: "PIN correcto.",
    "pin_locked": lambda v: (f"El PIN quedó bloqueado {v['minutes']} min por demasiados intentos. "
                             "Responde AGENTE para hablar con una persona."),
    "pin_unavailable": lambda v: "Ahora no podemos verificar el PIN. No se cambió nada.",
    "ready": lambda v: "¿Qué podemos hacer por ti? Responde AYUDA para ver los comandos.",
    # choosing
    "ask_target": ES.which_line,
    "not_your_line": lambda v: ("Solo puedes cambiar tu propia línea o, como administrador de la cuenta, "
                                "una línea de tu cuenta. Responde AGENTE para hablar con una persona."),
    "plans": ES.plans,
    "no_plans": lambda v: f"La línea {display(v['number'])} no tiene planes activos. Responde AGENTE para hablar con una persona.",
    "ask_plan": ES.which_plan,
    "plan_not_found": ES.which_plan,
    "ask_block_number": lambda v: (f"¿Qué número quieres {ACTIONS.get(v['action'], v['action'])}? "
                                   "Responde con el número."),
    # R11
    "ask_reason": lambda v: f"Antes de irte, ¿por qué? Responde {_REASONS} u OMITIR.",
    "ask_fix": lambda v: f"¿Qué problema tienes? Responde {_REASONS}.",
    "ask_which": lambda v: which(v, WHICH, "¿Quieres {0}? Responde 1 para eso, o AGENTE para hablar con una persona.",
                                 "¿Quieres {0} (responde 1) o {1} (responde 2)? O AGENTE para hablar con una persona."),
    "offer_fix": lambda v: FIX_OFFERS[v["fix"]] + " Responde ARREGLAR para hacerlo u OMITIR para seguir cancelando.",
    "fix_guidance": lambda v: FIX_GUIDANCE[v["fix"]] + " ¿Aún quieres irte? Escribe CANCELAR LÍNEA",
    "fix_steps": lambda v: FIX_GUIDANCE[v["fix"]] + " ¿Sigue igual? Escribe AGENTE.",
    # R4
    "addons_first": ES.addons("Primero los complementos: {addons}."),
    # confirmations (R10, R18)
    "confirm_cancel_plan": ES.confirm_plan,
    "confirm_cancel_line": ES.confirm_line,
    "confirm_reactivate": lambda v: (f"¿Reactivar la línea {display(v['number'])}?{plan_next(v, PLAN_NEXT, 'es', short=True)} "
                                     "Responde SÍ o NO."),
    "confirm_change_number": lambda v: ((f"No hay números libres con el código de área {v['area']}. "
                                         if not v.get("area_found", True) else "")
                                        + f"¿Cambiar el número {display(v['number'])} por el {display(v['new'])}? "
                                        "Perderás el número actual para siempre. Responde SÍ para confirmar o NO."),
    "confirm_block": lambda v: f"¿Bloquear {display(v['blocked'])} en tu línea? Responde SÍ para confirmar o NO.",
    "confirm_unblock": lambda v: f"¿Desbloquear {display(v['blocked'])}? Responde SÍ para confirmar o NO.",
    "confirm_expired": lambda v: ("La solicitud venció a los 5 minutos. No se cambió nada. Envíala otra vez para "
                                  "empezar de nuevo."),
    "not_confirmed": lambda v: "De acuerdo, no se cambió nada. Escribe AYUDA para ver qué puedo hacer.",
    "request_dropped": lambda v: (f"Tu solicitud NO se completó. Para terminarla, responde COMENZAR y luego "
                                 f"{COMMAND_WORDS.get(v['action'], 'AYUDA')} otra vez."),
    "nothing_confirmed": lambda v: (f"No se confirmó nada. Para seguir, escribe {COMMAND_WORDS.get(v['action'], 'AYUDA')} "
                                    "otra vez."),
    "nothing_pending": lambda v: "No hay nada esperando un SÍ. Responde AYUDA para ver los comandos.",
    # Every step hears every act (issue 21): a goodbye, a greeting, thanks, a switch, a question (R24)
    "goodbye": lambda v: "Gracias por escribirnos. ¡Adiós!",
    "hello": lambda v: ("¡Hola! Podemos mostrar tus planes, cancelar un plan o tu línea, cambiar o bloquear un número "
                        "y resolver problemas de llamadas o mensajes. ¿Qué necesitas? AGENTE: una persona."),
    "welcome": lambda v: "¡De nada! Escríbenos cuando quieras.",
    "take_your_time": lambda v: "Tómate tu tiempo.",
    "language_switched": lambda v: "De acuerdo, en español.",
    "question_about": lambda v: (
        f"Una pregunta no cambia nada. Para {ABOUT[v['about']]}, escribe {ABOUT_COMMANDS[v['about']]}: te diremos "
        "qué hace antes de que lo confirmes. AGENTE: una persona." if v.get("about") in ABOUT else
        "Una pregunta no cambia nada. Escribe qué quieres hacer, o AGENTE para hablar con una persona."),
    "told_about": lambda v: (
        f"No se cambió nada. Si quieres {ABOUT[v['about']]}, escribe {ABOUT_COMMANDS[v['about']]}. AGENTE: una persona."
        if v.get("about") in ABOUT_COMMANDS else
        "No se cambió nada. Escribe qué quieres hacer, o AGENTE para hablar con una persona."),
    "ok_nothing": lambda v: "De acuerdo. Responde AYUDA para ver los comandos, o AGENTE para una persona.",
    "block_offered": lambda v: "Podemos bloquear gratis un número que no deja de llamarte.",
    "why_pin": lambda v: "Pedimos el PIN para que solo el usuario de la línea pueda usarla.",
    "why_code": lambda v: "El código prueba que tienes el teléfono de la línea.",
    "not_ours": lambda v: "Con eso no puedo ayudarte.",  # then what we can do (capabilities)
    "pin_not_needed": lambda v: "Tu PIN ya está verificado en esta conversación.",
    # receipts (R17)
    "done_cancel_plan": ES.done_plan,
    "done_cancel_line": ES.done_line,
    "done_reactivate": lambda v: f"Listo: la línea {display(v['number'])} está activa otra vez.{plan_next(v, PLAN_NEXT, 'es')}",
    "done_change_number": lambda v: f"Listo: tu nuevo número es {display(v['number'])} (antes {display(v['old'])}).",
    "callback_requested": lambda v: (f"Listo: una persona de {v['brand']} te llamará al {display(v['number'])} "
                                     f"(ref {v['ref']}). No se cambió nada."),
    "callback_no_number": lambda v: "No podemos llamar a este número. Responde AGENTE y una persona te escribirá.",
    "receipt_coming": lambda v: (f"El comprobante va al número terminado en {v['to'][0]}"
                                 + (f", una copia al terminado en {v['to'][1]}" if len(v['to']) > 1 else "") + "."),
    "already_done": lambda v: "Eso ya estaba hecho; no cambió nada más. Escribe PLANES para ver cómo está todo.",
    "done_block": lambda v: (f"Listo: {display(v['blocked'])} está bloqueado. Para desbloquearlo: "
                             "DESBLOQUEAR y el número."),
    "done_unblock": lambda v: f"Listo: {display(v['blocked'])} está desbloqueado.",
    # refusals, by the policy's reason codes
    "refused_already_cancelled": ES.already_cancelled,
    "refused_line_not_active": lambda v: not_active(v, NOT_ACTIVE, WAYS, "es"),
    "refused_number_taken": lambda v: ("Lo sentimos, alguien acaba de tomar ese número. No se cambió nada. Escribe "
                                       "CAMBIAR NUMERO para otro."),
    "refused_plan_ended": ES.product("{product} ya terminó. Escribe PLANES para ver tus planes.", default="Ese plan"),
    "refused_app_store_plan": ES.product("{product} se compró en el App Store, así que solo tú puedes cancelarlo: "
                                         "cuenta de Apple > Suscripciones > la app > Cancelar. {url}",
                                         "{product} es un plan del App Store: cancélalo en tu cuenta de Apple. {url}"),
    "refused_addons_first_app_store": ES.store_addons,
    "refused_addons_first": ES.addons("Primero cancela {addons}: escribe CANCELAR PLAN nombre."),
    "refused_user_cancelled": lambda v: ("Una línea cancelada por su usuario no se puede reactivar."
                                         + (f" Funciona hasta el {day(v['term_end'], 'es')}." if v.get("term_end")
                                            else "") + " Responde AGENTE para hablar con una persona."),
    "refused_number_released": lambda v: ("Ese número ya se liberó y no se puede reactivar. Responde AGENTE para hablar "
                                         "con una persona."),
    "refused_already_active": lambda v: f"La línea {display(v['number'])} ya está activa. Escribe PLANES para ver sus planes.",
    "refused_app_store_lapsed": ES.product("{product} se compró en el App Store y se venció: solo Apple puede "
                                           "renovarlo, en tu cuenta de Apple. Responde AGENTE para hablar con una "
                                           "persona.", "{product} es de Apple: renuévalo en tu cuenta de Apple. "
                                           "Responde AGENTE.", default="Su plan"),
    "refused_not_reactivatable": lambda v: ("Esta línea no se puede reactivar aquí. Responde AGENTE para hablar "
                                            "con una persona."),
    "refused_no_numbers_available": lambda v: ("Ahora no hay números nuevos disponibles. No se cambió nada. "
                                               "Inténtalo más tarde."),
    "refused_no_numbers_in_area": lambda v: (f"No hay números libres con el código de área {v['area']}. No se cambió "
                                             "nada. " + (f"Códigos libres: {and_list(v['areas'], 'es')}. Escribe "
                                                         "CAMBIAR NUMERO y uno de ellos, o AGENTE para una persona."
                                                         if v.get("areas") else "Escribe AGENTE para una persona.")),
    "refused_invalid_number": lambda v: ("Eso no parece un número de teléfono. No se cambió nada. Escribe BLOQUEAR y el "
                                          "número para intentarlo otra vez."),
    "refused_emergency_number": lambda v: ("Los números de emergencia no se pueden bloquear. Responde AGENTE para hablar "
                                            "con una persona."),
    # Other senders are bound to STOP, not to our Spanish words.
    "refused_short_code": lambda v: "Los códigos cortos no se pueden bloquear aquí. Mejor responde STOP a ese remitente.",
    "refused_own_number": lambda v: ("Ese es tu propio número, así que no se puede bloquear. Para bloquear otro, "
                                      "escribe BLOQUEAR y el número."),
    "refused_already_blocked": lambda v: f"{display(v['blocked'])} ya está bloqueado. Escribe DESBLOQUEAR para desbloquearlo.",
    "refused_not_blocked": lambda v: f"{display(v['blocked'])} no está bloqueado. Escribe BLOQUEAR para bloquearlo.",
    # the way to a person (R15)
    "agent": lambda v: (f"Una persona de {v['brand']} te contactará pronto a este número (ref. {v['ref']}). "
                        "No se cambió nada."),
    "unknown_command": lambda v: "Lo sentimos, no entendimos. Responde AYUDA para ver los comandos.",
    "unusable": lambda v: "Lo sentimos, no entendimos.",
    # SmsFallbackUrl (issue 15): sin base de datos ni Redis
    "fallback": lambda v: (f"Lo sentimos, {v['brand']} no puede responder mensajes ahora. Vuelve a intentarlo luego"
                           + (f" o llama al {display(v['number'])}." if v.get("number") else ".")),
    # Issue 23: a confirmation whose line changed meanwhile (another phone's YES came first)
    "refused_number_changed_meanwhile": lambda v: (f"El número de tu línea ya se cambió a {display(v['number'])} "
                                                   "desde otro teléfono o mensaje. No se cambió nada más. AGENTE para una persona."),
    # Issue 21: preguntas respondidas con hechos, nunca convertidas en cambios (R24, R25, R3)
    "term_end": ES.plans,
    "cancel_effects": lambda v: ("Un plan cancelado funciona con tu saldo hasta el fin de su periodo. Cancelar la "
                                 "línea no se puede deshacer: luego el número es liberado. Sin reembolso. CANCELAR "
                                 "PLAN o CANCELAR LINEA."),
    "appstore_steps": lambda v: ("Solo tú cancelas un plan del App Store, en tu cuenta de Apple: Ajustes > tu nombre > "
                                 f"Suscripciones > la app > Cancelar. {v['url']}"),
    "capabilities": lambda v: ("Podemos mostrar tus planes y fechas, cancelar un plan o la línea, reactivarla, "
                               "cambiar tu número, bloquear números y explicar reembolsos. AYUDA o AGENTE."),
    "port_out": lambda v: ("Para llevar tu número a otra compañía no lo canceles aquí: se perdería. La nueva "
                           "compañía inicia el cambio; la línea termina al completarse. Sin reembolso. AGENTE."),
    "billing_unknown": lambda v: ("No podemos responder sobre cobros por mensaje. PLANES dice cuándo se renueva cada "
                                  "plan. Escribe AGENTE y una persona te ayudará."),
    "undo_cancel": lambda v: ("Cancelar una línea no se puede deshacer: funciona hasta el fin del periodo y luego el "
                              "número es liberado. Un plan cancelado puedes renovarlo en la app. AGENTE."),
    "lost_phone": lambda v: ("Lamentamos lo de tu teléfono. Nadie puede cambiar tu línea sin tu PIN. Entra a la app "
                             "en otro teléfono y pide a tu compañía móvil que bloquee el perdido."),
    "number_info": lambda v: ("El número anterior se pierde para siempre; tus planes y saldo se quedan. Para hacerlo, "
                              "escribe CAMBIAR NUMERO. Para precios o cargos, escribe AGENTE."),
}

PLAN_NEXT = {
    "none_short": " No tiene ningún plan activo.",
    "none": " No tiene ningún plan activo: para conservarla, renueva en la app o responde AGENTE.",
    "renews": " Se renueva el {day}.",
    "new_term": " Hoy empieza un periodo nuevo: se renueva el {day}.",
    "ends_short": " Su plan no se renueva: funciona hasta el {day}.",
    "ends": (" Su plan no se renueva: funciona hasta el {day}. Para conservarla, renueva en la app antes, o "
             "responde AGENTE."),
}
NOT_ACTIVE = {
    "cancelled_until": ("La línea {number} está cancelada y funciona hasta el {day}, así que eso no se puede hacer. "
                        "Responde AGENTE para hablar con una persona."),
    "suspended": "La línea {number} está suspendida, así que eso no se puede hacer.{way}",
    "cancelled": "La línea {number} ya terminó, así que eso no se puede hacer.{way}",
    "released": ("El número de la línea {number} se liberó, así que eso no se puede hacer. Responde AGENTE para "
                 "hablar con una persona."),
    "inactive": "La línea {number} no está activa, así que eso no se puede hacer.{way}",
}
WAYS = (" Escribe REACTIVAR para activarla.", " Responde AGENTE para hablar con una persona.")


RECEIPTS: dict[str, Reply] = {
    # R21: el código, al número de la propia línea
    "one_time_code": lambda v: (f"{v['brand']}: tu código de un solo uso es {v['code']}. Sirve una vez, durante "
                                f"{v['minutes']} min, en lugar de tu PIN. No lo compartas con nadie."),
    "plan_cancelled": lambda v: ES.done_plan(v, prefix=f"{v['brand']}: "),
    "line_cancelled": lambda v: ES.done_line(v, prefix=f"{v['brand']}: "),
    "line_reactivated": lambda v: (f"{v['brand']}: la línea {display(v['number'])} está activa otra vez desde el "
                                   f"{day(v['effective'], 'es')}" + (", con un periodo nuevo" if v.get("new_term") else "")
                                   + (f". Se renueva el {day(v['term_end'], 'es')}." if v.get("renews")
                                      and v.get("term_end") else ".")),
    "number_changed": lambda v: (f"{v['brand']}: tu nuevo número es {display(v['number'])} desde el "
                                 f"{day(v['effective'], 'es')} (antes {display(v['old'])})."),
    "number_blocked": lambda v: (f"{v['brand']}: {display(v['number'])} está bloqueado en la línea {display(v['line'])} "
                                 f"desde el {day(v['effective'], 'es')}."),
    "number_unblocked": lambda v: (f"{v['brand']}: {display(v['number'])} está desbloqueado en la línea {display(v['line'])} "
                                   f"desde el {day(v['effective'], 'es')}."),
}
