"""Spanish (folded: no accents, lower case, so "línea" is "linea" and "SÍ" is "si").

Symmetric with English: "si" opts back in (R16) and confirms (R18), as "yes" does; "cancelar"
alone opts out of texts (R16) and skips on the phone, as "cancel" does; "mas" alone is the
next page of PLANS while "no mas" opts out. "claro" ("sure") takes an offered fix but does not
confirm a change, as "sure" does in English (R18: only an explicit yes confirms).
"""

from vocabulary import Vocabulary

AGENT = ("agente", "persona", "humano", "representante", "operador", "operadora", "asesor", "asesora",
         "alguien", "persona real")

WORDS = Vocabulary(
    lang="es",
    opt_out=frozenset({
        "alto", "parar", "cancelar", "detener", "basta", "baja", "no mas", "no mas mensajes", "no mas textos",
        "alto por favor", "por favor alto", "darme de baja", "dar de baja", "no me manden mas mensajes",
        "no me manden mas", "no me manden mensajes", "no me envien mas mensajes", "no me envien mensajes",
        "no me escriban mas", "no me escriban", "dejen de escribirme", "dejen de mandarme mensajes",
        "dejen de enviarme mensajes", "no quiero mas mensajes", "no quiero recibir mensajes",
    }),
    opt_in=frozenset({"comenzar", "empezar", "iniciar", "reanudar", "si"}),
    help=frozenset({"ayuda", "info", "informacion", "comandos", "menu", "opciones"}),
    # The next page of PLANS (R19), matched alone: "no mas" is an opt-out, not a page.
    more=frozenset({"mas", "siguiente", "mas planes", "ver mas", "ver el resto"}),
    commands=(
        (("cambiar", "mi", "numero"), "change_number"),
        (("cambiar", "numero"), "change_number"),
        (("cancelar", "mi", "plan"), "cancel_plan"),
        (("cancelar", "plan"), "cancel_plan"),
        (("parar", "plan"), "cancel_plan"),
        (("detener", "plan"), "cancel_plan"),
        (("cancelar", "mi", "linea"), "cancel_line"),
        (("cancelar", "la", "linea"), "cancel_line"),
        (("cancelar", "linea"), "cancel_line"),
        (("planes",), "plans"),
        (("plan",), "plans"),
        (("estado",), "plans"),
        (("reembolso",), "refund"),
        (("reembolsos",), "refund"),
        (("devolucion",), "refund"),
        (("reactivar",), "reactivate"),
        (("desbloquear",), "unblock"),
        (("bloquear",), "block"),
        (("agente",), "agent"),
        (("persona",), "agent"),
        (("humano",), "agent"),
        (("representante",), "agent"),
        (("asesor",), "agent"),
    ),
    yes=frozenset({"si", "s", "confirmo", "confirmar", "si confirmo", "si confirmar", "si por favor", "si gracias",
                   "si claro", "claro que si"}),
    no=frozenset({"no", "n", "no gracias", "ahora no", "mejor no", "no confirmo", "no quiero", "nop", "conservar",
                  "mantener", "dejalo asi"}),
    skip=frozenset({"omitir", "saltar", "cancelar", "no", "seguir", "continuar", "no gracias", "sigue", "adelante"}),
    accept=frozenset({"arreglar", "si", "s", "ok", "vale", "claro", "dale", "bueno", "de acuerdo", "si por favor"}),
    agent=AGENT,
    repeat=("repetir", "repite", "repitelo", "repitalo", "otra vez", "de nuevo"),
    # R11, in the order of the reasons offered (1 to 5); single words match a text, phrases a call.
    reasons={
        "calling_problems": ("llamada", "llamadas", "llamar", "fallan", "voz", "no puedo llamar"),
        "number_cancelled": ("cancelaron", "cancelado", "cancelada", "desactivado", "desactivada", "desactivaron",
                             "suspendido", "suspendida", "suspendieron"),
        "no_ring_or_texts": ("suena", "timbre", "mensajes", "notificaciones", "llegan", "recibo"),
        "dislike_number": ("gusta", "numero", "cambiar"),
        "spam_calls": ("spam", "robollamadas", "estafa", "estafas", "publicidad"),
    },
    main_menu=(
        (AGENT, "agent"),
        (("cancelar linea", "cancelar mi linea", "cancelar la linea", "toda la linea", "cerrar mi cuenta",
          "cancelar mi cuenta", "cancelar la cuenta", "cancelar todo"), "cancel_line"),
        (("cancelar plan", "cancelar un plan", "cancelar mi plan", "complemento", "complementos",
          "call recording", "text archive"), "cancel_plan"),
        (("cancelar", "dar de baja", "parar", "detener"), "cancel_menu"),
        (("reembolso", "reembolsos", "devolucion", "mi dinero"), "refund"),
        # Before "problems": "bloquear llamadas de spam" is a block, not a calling problem.
        (("desbloquear",), "unblock"),
        (("bloquear", "spam"), "block"),
        (("problema", "problemas", "no funciona", "timbre", "suena", "mensajes", "llamadas", "no escucho"),
         "problems"),
        (("reactivar", "volver a activar", "activar de nuevo", "restaurar"), "reactivate"),
        (("cambiar", "numero nuevo", "nuevo numero", "otro numero"), "change_number"),
        (("repetir", "repite", "otra vez", "de nuevo", "menu"), "repeat"),
        (("planes", "estado", "saldo"), "plans"),
        (("ingles", "english"), "english"),
    ),
    cancel_menu=(
        (AGENT, "agent"),
        (("linea", "toda", "todo", "cuenta"), "cancel_line"),
        (("plan", "complemento", "funcion", "adicional"), "cancel_plan"),
        (("repetir", "repite", "otra vez", "de nuevo"), "repeat"),
    ),
    # Words only Spanish uses ("no", "plan", "info", "menu", "me", "favor" are English too).
    markers=frozenset({
        "quiero", "quisiera", "necesito", "puedo", "tengo", "mi", "mis", "por", "hola", "gracias", "buenos",
        "buenas", "dias", "tardes", "noches", "linea", "numero", "cancelar", "ayuda", "el", "la", "los", "las",
        "de", "del", "que", "como", "para", "con", "una", "es", "esta", "este", "pero", "porque", "cuenta",
        "telefono", "llamadas", "mensajes", "reembolso", "ustedes", "usted",
    }),
)
