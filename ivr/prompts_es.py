"""Every word a caller hears in Spanish: ivr/prompts.py's twin, with exactly the same keys (a
test holds them to it), the same rules and the same required content (R3, R6, R10, R20).

Written in "tú", like the texts, and kept so. Numbers are read digit by digit by the Spanish
voice ("que termina en 0 0 0 1"); the brand is a value, never translated.
"""

from __future__ import annotations

from core.formatting import and_list, day
from ivr.prompts import (OFFER_ENGLISH, OFFER_SPANISH, SAID_FIXES, SPANISH_WELCOME, Prompt, Spoken, VoicePhrases,
                         digits, ending, not_active, plan_next, which)

FIXES = {
    "voice_network_mode": ("¿Fallan las llamadas? En los ajustes de la app, haz que las llamadas usen la red de voz, "
                           "no los datos."),
    "reactivate": "Si tu número se canceló por algún motivo, podemos reactivarlo.",
    "device_settings": ("¿No suena o no llegan mensajes? Activa las notificaciones, desactiva No molestar y deja que "
                        "la app use el micrófono."),
    "change_number": "Si no te gusta tu número, podemos cambiarlo.",
    "block_spam": "¿Recibes llamadas de spam? Puedes bloquear números de spam gratis.",
}
_REASONS = ("¿Fallan las llamadas? Oprime 1. ¿Cancelaron tu número? 2. ¿No suena o no llegan mensajes? 3. "
            "¿No te gusta tu número? 4. ¿Spam? 5.")
# R6, corto para decirlo (R19); la página de Apple va con los pasos por mensaje (offer_text_steps).
APPLE_STEPS = ("Solo tú puedes cancelarla, en tu cuenta de Apple: en el App Store, ve a Suscripciones, elige esta "
               "app y cancela.")
ACTIONS = {"block": "bloquear", "unblock": "desbloquear"}
# Issue 11: what each journey offers when a request was vague or the bot unsure (ask_which).
WHICH = {"plans": "escuchar tus planes", "refund": "escuchar nuestra política de reembolsos",
         "cancel_plan": "cancelar un plan o complemento", "cancel_line": "cancelar toda la línea",
         "reactivate": "reactivar tu línea", "change_number": "cambiar tu número", "block": "bloquear un número",
         "unblock": "desbloquear un número", "troubleshoot": "resolver un problema con llamadas, timbre o mensajes",
         "agent": "hablar con una persona"}
WHICH.update({"term_end": "saber cuándo terminan tus planes", "cancel_effects": "saber qué pasa si cancelas",
              "appstore": "escuchar los pasos de Apple", "capabilities": "saber qué puedo hacer",
              "port_out": "llevar tu número a otra compañía", "billing": "preguntar por cobros",
              "undo_cancel": "deshacer una cancelación", "lost_phone": "ayuda con un teléfono perdido",
              "callback": "que te llamemos",
              "number_info": "saber cómo se cambia el número"})  # issue 21
# De qué trata una pregunta o lo contado: un trámite, o "cancel" (un plan o la línea, sin decir cuál).
ABOUT = {**WHICH, "cancel": "cancelar un plan o tu línea"}


ES = Spoken(VoicePhrases(
    lang="es",
    plan_renews="{product}{store} se renueva el {day}",
    plan_ends="{product}{store} termina el {day}",
    app_store=", del App Store,",
    plans="Tu línea {ending} está {status}. {items}.",
    plans_none="Tu línea {ending} no tiene planes activos.",
    refund=("No hay reembolsos de ningún tipo: ni de planes, complementos, saldo ni cargos de portabilidad. Si "
            "cancelas, conservas el servicio y tu saldo hasta el fin del periodo."),
    refund_ask=" Para escuchar tus fechas de fin de periodo:",
    refund_terms=" Tus periodos: {terms}.",
    refund_term="{product} hasta el {day}",
    refund_short="No hay reembolsos.",
    more=" Y {n} más: escribe PLANES para verlos todos.",
    and_more=" y {n} más",
    plan_not_found="No encontré ese plan. ",
    which_plan="¿Qué plan? {choices}.",
    plan_choice="Para {name}, oprime {n}",
    confirm_number_plan=("¿Cancelar tu plan de número, {product}? Tu línea funciona hasta el {day}; luego la línea "
                         "termina y se libera su número."),
    confirm_feature="¿Cancelar {product}? Deja de renovarse y funciona hasta el {day}.",
    no_refund=" Sin reembolso.",
    then_line=" Luego seguimos con la línea.",
    confirm_line=("¿Cancelar la línea {digits} y sus planes? Funciona hasta el {day}; luego se libera el número. Sin "
                  "reembolso; es irreversible."),
    line_store=(" Apple cobra {plans} hasta que lo canceles allí.",
                " Apple cobra los del App Store hasta que los canceles."),
    store_addons=("Primero, {addons} debe dejar de renovarse; se compró en el App Store. ",
                  "Primero, {addons} deben dejar de renovarse; se compraron en el App Store. "),
    apple_steps=APPLE_STEPS,
    done_line="Listo. Tu línea {ending} está cancelada y funciona hasta el {day}. No hay reembolso.{apple}",
    done_line_apple=" Recuerda cancelar también en tu cuenta de Apple.",
    statuses={"active": "activa", "suspended": "suspendida",
              "cancel_pending": "cancelada al final del periodo", "cancelled": "cancelada",
              "released": "liberada"},
))

PLAN_NEXT = {
    "none_short": " No tiene ningún plan activo.",
    "none": " No tiene ningún plan activo. Para conservarla, renueva en la app.",
    "renews": " Su plan se renueva el {day}.",
    "new_term": " Hoy empieza un periodo nuevo, y su plan se renueva el {day}.",
    "ends_short": " Su plan no se renovará: funciona hasta el {day}.",
    "ends": (" Su plan no se renovará: funciona hasta el {day}. Para conservarla, renuévala en la app antes de esa "
             "fecha."),
}
NOT_ACTIVE = {
    "cancelled_until": "Tu línea {ending} está cancelada y funciona hasta el {day}, así que eso no se puede hacer.{way}",
    "suspended": "Tu línea {ending} está suspendida, así que eso no se puede hacer.{way}",
    "cancelled": "Tu línea {ending} ya terminó, así que eso no se puede hacer.{way}",
    "released": "El número de tu línea {ending} se liberó, así que eso no se puede hacer.{way}",
    "inactive": "Tu línea {ending} no está activa, así que eso no se puede hacer.{way}",
}
WAYS = (" Puedes reactivarla desde el menú.", " Para hablar con una persona, oprime 0.")


PROMPTS: dict[str, Prompt] = {
    # the call
    "greeting": lambda v: f"Gracias por llamar al servicio al cliente de {v['brand']}.",
    "offer_spanish": lambda v: OFFER_SPANISH,
    "spanish_chosen": lambda v: SPANISH_WELCOME,
    "main_menu": lambda v: ("Para cancelar un plan o tu línea, oprime 1. Política de reembolsos, oprime 2. Fallas de "
                            "llamadas o mensajes, oprime 3. Reactivar, cambiar, bloquear o desbloquear un número, "
                            "oprime 4. Una persona, oprime 0. O dinos qué necesitas."),
    "offer_english": lambda v: OFFER_ENGLISH,  # in English: the way back for whoever pressed 9 by mistake
    "main_menu_brief": lambda v: ("Oprime 1 para cancelar, 2 para la política de reembolsos, 3 para fallas, 4 para tu número, o 0 "
                                  "para una persona."),
    "main_menu_names": lambda v: "Di cancelar, reembolso, problema, número o agente. U oprime 1, 2, 3, 4 o 0.",
    "more_menu": lambda v: ("Para reactivar tu número, oprime 1. Para cambiar tu número, oprime 2. Para bloquear un "
                            "número, oprime 3. Para desbloquearlo, oprime 4. Para una persona, oprime 0."),
    "more_menu_brief": lambda v: ("Oprime 1 para reactivar, 2 para cambiar tu número, 3 para bloquear, 4 para "
                                  "desbloquear, o 0 para una persona."),
    "more_menu_names": lambda v: "Di reactivar, cambiar número, bloquear, desbloquear o agente. U oprime 1, 2, 3, 4 o 0.",
    "cancel_menu_brief": lambda v: "Oprime 1 para un plan o complemento, 2 para toda la línea, o 0 para una persona.",
    "cancel_menu_names": lambda v: "Di plan, línea o agente. U oprime 1, 2 o 0.",
    "anything_else": lambda v: ("¿Algo más? Para el menú, oprime 1 o di sí. Para terminar la llamada, oprime 2 o di "
                                "adiós, o simplemente cuelga."),
    "anything_else_brief": lambda v: "Oprime 1 para el menú, 2 para terminar la llamada, o 0 para una persona.",
    "anything_else_names": lambda v: "Di menú, adiós o agente. U oprime 1, 2 o 0.",
    "goodbye": lambda v: "Gracias por llamar. Adiós.",
    "cancel_menu": lambda v: ("Para cancelar un plan o complemento, oprime 1 o di plan. Para cancelar toda la línea, "
                              "oprime 2 o di línea."),
    "handoff": lambda v: (f"Te damos la bienvenida al autoservicio de {v['brand']}. Aquí puedes cancelar o cambiar "
                          "tu línea por tu cuenta."),
    "too_many_calls": lambda v: "Recibimos muchas llamadas de este número en los últimos minutos.",
    "voicemail_nothing": lambda v: "No recibimos ningún mensaje. Vuelve a llamar más tarde. Adiós.",
    "leave_message": lambda v: ("Deja un mensaje después del tono y una persona te devolverá la llamada. Marca "
                                "numeral al terminar."),
    # identification and PIN (R8, R9)
    "ask_pin": lambda v: ("Marca el PIN de tu línea y luego la tecla numeral. ¿Llamas desde otro teléfono? Primero "
                          "marca el número de 10 dígitos de tu línea y luego numeral."),
    "ask_pin_for_line": lambda v: "Ahora marca el PIN de esa línea y luego la tecla numeral.",
    "pin_format": lambda v: "El PIN tiene de 4 a 8 dígitos.",
    "pin_wrong": lambda v: "No pudimos verificar ese PIN. ¿Lo olvidaste? Marca 8 y luego la tecla numeral para un código.",
    "last_try": lambda v: (f"Un intento fallido más bloquea el PIN durante {v['minutes']} minutos. Para hablar con "
                           "una persona, marca 0."),
    # un PIN olvidado (R21): un código de un solo uso al número de la propia línea
    "code_which_line": lambda v: ("Enviaremos un código de un solo uso al número de la propia línea. Marca el número "
                                  "completo de esa línea y luego la tecla numeral."),
    "code_sent": lambda v: (f"Si el número que termina en {' '.join(v['last4'])} es una de nuestras líneas, le "
                            f"enviamos un código de 6 dígitos. Márcalo y luego la tecla numeral. Sirve una vez, "
                            f"durante {v['minutes']} minutos."),
    "code_format": lambda v: "El código tiene 6 dígitos. Marca el código que enviamos a tu línea y luego la tecla numeral.",
    "code_wrong": lambda v: ("No pudimos verificar ese código. Marca el último código que enviamos, o marca 8 y la "
                             "tecla numeral para uno nuevo."),
    "code_limit": lambda v: (f"Ya enviamos todos los códigos posibles esta hora al número que termina en "
                             f"{' '.join(v['last4'])}. Marca el último, o marca 0 para hablar con una persona."),
    "code_opted_out": lambda v: (f"El número que termina en {' '.join(v['last4'])} desactivó nuestros mensajes, así "
                                 "que no podemos enviarle un código. Marca el PIN si lo encuentras, o marca 0 para "
                                 "hablar con una persona."),
    "pin_ok": lambda v: "Gracias.",
    "pin_locked": lambda v: (f"El ingreso del PIN para esta línea quedó bloqueado durante {v['minutes']} minutos "
                             "por demasiados intentos."),
    "pin_unavailable": lambda v: "En este momento no podemos verificar el PIN. No se cambió nada.",
    "ready": lambda v: "Tu identidad está verificada.",
    "ask_target": lambda v: "¿Qué línea? Marca sus últimos 4 dígitos o di el nombre de su usuario.",
    "not_your_line": lambda v: ("Solo puedes cambiar tu propia línea o, como administrador de la cuenta, una línea "
                                "de tu cuenta. Para hablar con una persona, oprime 0."),
    "plans": ES.plans,
    "no_plans": lambda v: "Esta línea no tiene planes activos. Para hablar con una persona, oprime 0.",
    "ask_plan": ES.which_plan,
    "plan_not_found": ES.which_plan,
    "ask_block_number": lambda v: (f"Marca el número de 10 dígitos que quieres "
                                   f"{ACTIONS.get(v['action'], v['action'])} y luego la tecla numeral."),
    # R1
    "refund_policy": ES.refund,
    "refund_policy_terms": ES.refund,
    # R11
    "ask_reason": lambda v: f"Antes de irte, ¿te ayudamos? {_REASONS} Para seguir cancelando, oprime 9 o di cancelar.",
    "ask_fix": lambda v: ("¿Qué problema? Si fallan las llamadas, oprime 1. Si cancelaron tu número, oprime 2. "
                          "Si no suena o no te llegan los mensajes, oprime 3. Si no te gusta tu número, oprime 4. "
                          "Si recibes llamadas de spam, oprime 5."),
    "fix_steps": lambda v: FIXES[v["fix"]] + " Si sigue sin funcionar, oprime 0 para hablar con una persona.",
    "ask_which": lambda v: which(v, WHICH, "¿Quieres {0}? Oprime 1 o di sí. Para hablar con una persona, oprime 0.",
                                 "¿Quieres {0}? Oprime 1 o di uno. ¿O {1}? Oprime 2 o di dos. "
                                 "Para hablar con una persona, oprime 0."),
    # lo que el reconocedor de voz no entendió bien (issue 11): se pide otra vez, luego el teclado
    "speech_again": lambda v: "Perdón, no te escuché bien.",
    "speech_keys": lambda v: "Perdón, sigo sin entenderte. Por favor, usa el teclado.",
    "offer_fix": lambda v: (FIXES[v["fix"]] + (" Si eso lo resuelve, oprime 1 para conservar tu línea."
                                               if v["fix"] in SAID_FIXES else " Para hacerlo, oprime 1.")
                            + " Para seguir cancelando, oprime 9 o di cancelar."),
    "fix_guidance": lambda v: ("Bien: tu línea sigue como está. Si sigue sin funcionar, oprime 0 para hablar con una "
                               "persona. Para cancelar de todos modos, elige cancelar en el menú."),
    "offer_text_steps": lambda v: (f"Podemos enviarte estos pasos por mensaje de texto al número que termina en "
                                   f"{' '.join(v['number'][-4:])}. Para recibirlos, oprime 1 o di sí. Si no, oprime 2."),
    "texted_steps": lambda v: (f"De acuerdo. Te enviaremos los pasos por mensaje de texto al número que termina en "
                               f"{' '.join(v['number'][-4:])}."),
    "texted_steps_already": lambda v: f"Ya te enviamos los pasos al número que termina en {' '.join(v['number'][-4:])}.",
    "texted_steps_opted_out": lambda v: "Ese número no recibe nuestros mensajes de texto, así que no los enviamos.",
    "texted_steps_not_sent": lambda v: ("Lo sentimos, no pudimos enviar los pasos. Están en support punto apple punto "
                                        "com."),
    "apple_steps_text": lambda v: (f"{v['brand']}: solo tú puedes cancelar una suscripción del App Store, en tu cuenta "
                                   "de Apple: abre el App Store, ve a Suscripciones, elige la suscripción de nuestra "
                                   "app y cancélala. Ayuda: https://support.apple.com/es-us/HT202039"),
    "addons_first": lambda v: f"Antes que la línea hay que cancelar los complementos: {ES.some(v['addons'])}.",
    # confirmations (R10, R18)
    "confirm_cancel_plan": ES.confirm_plan,
    "confirm_cancel_line": ES.confirm_line,
    "confirm_reactivate": lambda v: f"Pediste reactivar tu línea {ending(v['number'], 'es')}.{plan_next(v, PLAN_NEXT, 'es', short=True)}",
    "confirm_change_number": lambda v: ((f"No hay números libres con el código de área {' '.join(v['area'])}. "
                                         if not v.get("area_found", True) else "")
                                        + f"¿Cambiar tu número por el {digits(v['new'], 'es')}? Perderás el actual para "
                                        "siempre." + (" Para otro código de área, marca sus 3 dígitos."
                                                      if v.get("area_found", True) else "")),
    "confirm_block": lambda v: f"Pediste bloquear el número {digits(v['blocked'], 'es')}.",
    "confirm_unblock": lambda v: f"Pediste desbloquear el número {digits(v['blocked'], 'es')}.",
    "confirm_expired": lambda v: "La solicitud venció a los 5 minutos. No se cambió nada.",
    "not_confirmed": lambda v: "De acuerdo, no se cambió nada.",
    "nothing_pending": lambda v: "No hay nada que confirmar.",
    # Every step hears every act (issue 21): a greeting, thanks, a switch, a question (R24)
    "hello": lambda v: ("¡Hola! Puedo decirte tus planes, cancelar un plan o tu línea, cambiar o bloquear un número "
                        "y resolver problemas de llamadas."),
    "welcome": lambda v: "De nada.",
    "take_your_time": lambda v: "Tómate tu tiempo.",
    "opt_out_by_voice": lambda v: ("Para no recibir más mensajes, responde ALTO a cualquiera de ellos. No se cambió "
                                   "nada ni se canceló ningún plan ni línea."),
    "language_switched": lambda v: "De acuerdo, seguimos en español.",
    "question_about": lambda v: (
        f"Una pregunta no cambia nada. Para {ABOUT[v['about']]}, solo pídelo: escucharás qué hace antes de "
        "confirmarlo. Para hablar con una persona, oprime 0." if v.get("about") in ABOUT else
        "Una pregunta no cambia nada. Dime qué quieres hacer, u oprime 0 para hablar con una persona."),
    "told_about": lambda v: (
        f"No se cambió nada. Si quieres {ABOUT[v['about']]}, solo pídelo. Para hablar con una persona, oprime 0."
        if v.get("about") in ABOUT else
        "No se cambió nada. Dime qué quieres hacer, u oprime 0 para hablar con una persona."),
    "ok_nothing": lambda v: "De acuerdo, no se cambió nada.",
    "block_offered": lambda v: "Podemos bloquear gratis un número que no deja de llamarte.",
    "why_pin": lambda v: "Pedimos el PIN para proteger tu línea: solo su usuario puede usarla.",
    "why_code": lambda v: "El código prueba que tienes el teléfono de la línea.",
    "not_ours": lambda v: "Con eso no puedo ayudarte.",  # then what I can do (capabilities)
    "not_verified": lambda v: "No pudimos verificarlo.",
    "pin_not_needed": lambda v: "Tu PIN ya está verificado en esta llamada.",
    # done (R17: a text receipt follows)
    "done_cancel_plan": lambda v: ((f"Listo. Tu plan de número {v['product']} no se renovará. Tu línea funciona hasta "
                                    f"el {day(v['term_end'], 'es')}, luego la línea termina y se libera su número. "
                                    "No hay reembolso.") if v.get("kind") == "number" else
                                   (f"Listo. {v['product']} no se renovará y funciona hasta el "
                                    f"{day(v['term_end'], 'es')}. No hay reembolso.")),
    "done_cancel_line": ES.done_line,
    "done_reactivate": lambda v: (f"Listo. Tu línea {ending(v['number'], 'es')} está activa otra vez.{plan_next(v, PLAN_NEXT, 'es')}"),
    "done_change_number": lambda v: (f"Listo. Tu nuevo número es {digits(v['number'], 'es')}."),
    "already_done": lambda v: "Eso ya estaba hecho; no se cambió nada más.",
    "callback_requested": lambda v: (f"Una persona te devolverá la llamada al {digits(v['number'], 'es')}. "
                                     "No se cambió nada."),
    "callback_no_number": lambda v: "No podemos llamar a este número. Oprime 0 para hablar con una persona.",
    "receipt_coming": lambda v: (f"Te enviaremos el comprobante por mensaje de texto al número terminado en "
                                 f"{' '.join(v['to'][0])}"
                                 + (f", y una copia al número terminado en {' '.join(v['to'][1])}" if len(v['to']) > 1 else "")
                                 + "."),
    "done_block": lambda v: f"Listo. El número {digits(v['blocked'], 'es')} está bloqueado.",
    "done_unblock": lambda v: f"Listo. El número {digits(v['blocked'], 'es')} está desbloqueado.",
    # refusals
    "refused_already_cancelled": lambda v: ((f"{v['product']} ya está cancelado" if v.get("product")
                                             else f"Tu línea {ending(v['number'], 'es')} ya está cancelada")
                                            + (f" y funciona hasta el {day(v['term_end'], 'es')}"
                                               if v.get("term_end") else "") + ". No se cambió nada."
                                            " Para hablar con una persona, oprime 0."),
    "refused_line_not_active": lambda v: not_active(v, NOT_ACTIVE, WAYS, "es"),
    "refused_number_taken": lambda v: ("Lo sentimos, alguien acaba de tomar ese número. No se cambió nada. Para otro, "
                                      "elige cambiar número en el menú."),
    "refused_plan_ended": lambda v: "Ese plan ya terminó. Para hablar con una persona, oprime 0.",
    "refused_app_store_plan": lambda v: f"{v['product']} se compró en el App Store. " + APPLE_STEPS,
    "refused_addons_first_app_store": ES.store_addons,
    "refused_addons_first": lambda v: f"Primero cancela {and_list(v['addons'], 'es')}. Puedes hacerlo desde el menú.",
    "refused_user_cancelled": lambda v: ("Una línea cancelada por su usuario no se puede reactivar."
                                         + (f" Funciona hasta el {day(v['term_end'], 'es')}." if v.get("term_end")
                                            else "") + " Para hablar con una persona, oprime 0."),
    "refused_number_released": lambda v: ("Ese número ya se liberó y no se puede reactivar. Para hablar con una "
                                          "persona, oprime 0."),
    "refused_already_active": lambda v: "Tu línea ya está activa. Para hablar con una persona, oprime 0.",
    "refused_app_store_lapsed": lambda v: (f"{v.get('product') or 'Su plan'} se compró en el App Store y se venció: "
                                           "solo Apple puede renovarlo, en tu cuenta de Apple. Para hablar con una "
                                           "persona, oprime 0."),
    "refused_not_reactivatable": lambda v: ("Esta línea no se puede reactivar aquí. Para hablar con una persona, "
                                            "oprime 0."),
    "refused_no_numbers_available": lambda v: ("En este momento no hay números nuevos disponibles. No se cambió nada. "
                                               "Inténtalo más tarde."),
    "refused_no_numbers_in_area": lambda v: (f"No hay números libres con el código de área {' '.join(v['area'])}. "
                                             "No se cambió nada. "
                                             + (f"Hay códigos libres: {and_list([' '.join(a) for a in v['areas']], 'es')}: "
                                                "para uno de ellos, pide un número nuevo con ese código. "
                                                if v.get("areas") else "") + "Para hablar con una persona, oprime 0."),
    "refused_invalid_number": lambda v: "Eso no parece un número de teléfono. Inténtalo otra vez desde el menú.",
    "refused_emergency_number": lambda v: ("Los números de emergencia no se pueden bloquear. Para hablar con una "
                                           "persona, oprime 0."),
    "refused_short_code": lambda v: "Los códigos cortos no se pueden bloquear aquí. Para hablar con una persona, oprime 0.",
    "refused_own_number": lambda v: ("Ese es tu propio número, así que no se puede bloquear. Para bloquear otro, elige "
                                     "bloquear en el menú."),
    "refused_already_blocked": lambda v: ("Ese número ya está bloqueado. Para desbloquearlo, elige desbloquear en el "
                                          "menú."),
    "refused_not_blocked": lambda v: "Ese número no está bloqueado. Para bloquearlo, elige bloquear en el menú.",
    # people (R15)
    "agent": lambda v: "Te comunico con una persona.",
    "unknown_command": lambda v: "Perdón, no te entendí.",
    "unusable": lambda v: "Perdón, no te entendí.",
    "connecting": lambda v: "Te estamos comunicando con una persona. Por favor, espera.",
    "closed": lambda v: ("En este momento nadie puede atender tu llamada. Deja un mensaje después del tono y una "
                         "persona te devolverá la llamada. Oprime la tecla numeral cuando termines."),
    "agent_unavailable": lambda v: ("Lo sentimos, nadie pudo atender tu llamada. Deja un mensaje después del tono y "
                                    "una persona te devolverá la llamada. Oprime la tecla numeral cuando termines."),
    "voicemail_thanks": lambda v: "Gracias. Guardamos tu mensaje y una persona te devolverá la llamada. Adiós.",
    "voicemail_none": lambda v: ("No recibimos ningún mensaje. Guardamos tu solicitud y una persona te devolverá la "
                                 "llamada. Adiós."),
    "error": lambda v: "Lo sentimos, algo falló de nuestro lado.",
    "not_applied": lambda v: "Lo sentimos, no se pudo completar. No se cambió nada.",
    "outcome_unknown": lambda v: "Lo sentimos, no pudimos confirmar si se completó. Una persona puede revisarlo.",
    "unavailable": lambda v: "Lo sentimos, en este momento no podemos atender solicitudes. No se cambió nada.",
    # what to press, after the prompt
    "hint_confirm": lambda v: "Para confirmar, oprime 1. Si no, oprime 2.",  # también se oye "sí" y "no"
    # VoiceFallbackUrl (issue 15)
    "fallback_sorry": lambda v: "Lo sentimos, nuestro sistema tiene problemas en este momento.",
    "fallback_no_answer": lambda v: "Lo sentimos, nadie pudo atender tu llamada.",
    "fallback_leave_message": lambda v: "Deja un mensaje después del tono. Oprime la tecla numeral cuando termines.",
    "fallback_not_saved": lambda v: ("Lo sentimos, no pudimos guardar tu mensaje. Vuelve a llamar más tarde. "
                                     "Adiós."),
    # Issue 23: a confirmation whose line changed meanwhile (another phone's YES came first)
    "refused_number_changed_meanwhile": lambda v: (f"El número de tu línea ya se cambió a {digits(v['number'], 'es')}, "
                                                   "desde otro teléfono o mensaje. No se cambió nada más. Para una persona, oprime 0."),
    # Issue 21: preguntas respondidas con hechos, nunca convertidas en cambios (R24, R25, R3)
    "term_end": ES.plans,
    "cancel_effects": lambda v: ("Si cancelas un plan, deja de renovarse y funciona con tu saldo hasta el fin de su "
                                 "periodo. Cancelar la línea no se puede deshacer: funciona hasta el fin del periodo y "
                                 "luego el número es liberado. Sin reembolso."),
    "appstore_steps": lambda v: ("Solo tú puedes cancelar un plan del App Store, en tu cuenta de Apple: en el App Store, "
                                 "ve a Suscripciones, elige esta app y cancela. Los pasos de Apple están en support "
                                 "punto apple punto com."),
    "capabilities": lambda v: ("Puedo decirte tus planes y sus fechas, cancelar un plan o tu línea, reactivarla, "
                               "cambiar tu número, bloquear números y explicar los reembolsos. Para una persona, "
                               "oprime 0."),
    "port_out": lambda v: ("Para llevar tu número a otra compañía, no lo canceles aquí: lo perderías. La nueva compañía "
                           "inicia el cambio, y esta línea termina cuando se completa. Sin reembolso, tampoco de la "
                           "portabilidad. Para una persona, oprime 0."),
    "billing_unknown": lambda v: ("No puedo responder preguntas de cobros aquí. Tus planes dicen cuándo se renueva cada "
                                  "uno. Para una persona, oprime 0."),
    "undo_cancel": lambda v: ("Cancelar una línea no se puede deshacer: funciona hasta el fin del periodo y luego el "
                              "número es liberado. Un plan cancelado funciona hasta el fin de su periodo; puedes "
                              "renovarlo en la app. Para una persona, oprime 0."),
    "lost_phone": lambda v: ("Lamentamos lo de tu teléfono. Nadie puede cambiar tu línea sin tu PIN. Pide a tu compañía "
                             "móvil que bloquee el teléfono perdido. Ahora te atiende una persona."),
    "number_info": lambda v: ("El número anterior se pierde para siempre; tus planes y tu saldo se quedan. Para hacerlo, "
                              "elige cambiar número en el menú. Para precios o cargos, di agente."),
}
