"""Spanish (folded: no accents, lower case, so "línea" is "linea" and "SÍ" is "si").

Symmetric with English: "si" opts back in (R16) and confirms (R18), as "yes" does; "cancelar"
alone opts out of texts (R16) and skips on the phone, as "cancel" does; "mas" alone is the
next page of PLANS while "no mas" opts out. "claro" ("sure") takes an offered fix but does not
confirm a change, as "sure" does in English (R18: only an explicit yes confirms).
"""

import re

from vocabulary import Vocabulary
from vocabulary.lexicon import Lexicon

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
        # R16: con "todo" sigue siendo una baja (la confirmación dice cómo cancelar un plan)
        "cancelar todo", "cancelarlo todo", "parar todo", "alto todo",
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
        (("llamame",), "callback"),
        (("llamenme",), "callback"),
        (("agente",), "agent"),
        (("persona",), "agent"),
        (("humano",), "agent"),
        (("representante",), "agent"),
        (("asesor",), "agent"),
    ),
    yes=frozenset({"si", "s", "confirmo", "confirmar", "si confirmo", "si confirmar", "si por favor", "si gracias",
                   "si claro", "claro que si"}),
    no=frozenset({"no", "n", "no gracias", "ahora no", "mejor no", "no confirmo", "no quiero", "nop", "conservar",
                  "mantener", "dejalo asi",
                  # R18: una duda también termina la solicitud (issue 22: la propuesta no se repite)
                  "no mejor no", "mejor no gracias", "espera", "no espera", "esperame", "un momento", "todavia no",
                  "aun no", "no no", "quiero conservarla", "olvidalo"}),
    skip=frozenset({"omitir", "saltar", "cancelar", "no", "seguir", "continuar", "no gracias", "sigue", "adelante"}),
    accept=frozenset({"arreglar", "si", "s", "ok", "vale", "claro", "dale", "bueno", "de acuerdo", "si por favor"}),
    agent=AGENT,
    repeat=("repetir", "repite", "repitelo", "repitalo", "otra vez", "de nuevo"),
    forgot=("codigo", "olvide", "olvido", "olvidado", "no me acuerdo", "no recuerdo", "no se el pin",
            "no se mi pin", "perdi el pin", "perdi mi pin", "no tengo el pin", "no tengo pin", "nuevo pin"),
    # R11, in the order of the reasons offered (1 to 5); single words match a text, phrases a call.
    reasons={
        "calling_problems": ("llamada", "llamadas", "llamar", "fallan", "voz", "no puedo llamar"),
        "number_cancelled": ("cancelaron", "cancelado", "cancelada", "desactivado", "desactivada", "desactivaron",
                             "suspendido", "suspendida", "suspendieron"),
        "no_ring_or_texts": ("suena", "timbre", "mensajes", "notificaciones", "llegan", "recibo"),
        "dislike_number": ("gusta", "numero", "cambiar"),
        "spam_calls": ("spam", "robollamadas", "estafa", "estafas", "publicidad", "telemarketing", "robots",
                       "llamadas basura", "espam"),
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
    cancel=frozenset({"cancelar"}),
    more_menu=frozenset({"mas", "numero", "mi numero", "otro", "otras cosas", "otra cosa", "mas opciones"}),
    to_menu=frozenset({"menu", "el menu", "menu principal", "si", "si por favor", "claro", "vale", "bueno"}),
    goodbye=frozenset({"adios", "chao", "no", "no gracias", "nada", "nada mas", "eso es todo", "es todo", "ya",
                       "ya esta", "listo", "terminar", "colgar"}),
)

# For free text (vocabulary/understand.py): the words that name each change, and what they act on.
LEXICON = Lexicon(
    lang="es",
    actions={
        "cancel": ("cancelar", "cancela", "cancele", "cancelen", "cancelame", "cancelenme", "cancelalo", "cancelenlo",
                   "cancelarlo", "cancelarla", "cancelenla", "kancelar", "dar de baja", "darme de baja",
                   "den de baja", "doy de baja", "de baja", "desactivar", "desactiva", "desactiven", "desactivame",
                   "cerrar", "cierra", "cierren", "terminar", "termina", "terminen", "quitar", "quita", "quiten",
                   "eliminar", "elimina", "eliminen", "anular", "anulen", "detener", "detengan", "parar", "ya no quiero",
                   "no renovar", "no renueven", "no se renueve", "no quiero que se renueve", "no se me renueve",
                   "no me renueven", "dejen de renovar", "dejar de renovar", "borrar", "borra", "borre", "borren",
                   "quiteis", "quitad", "canceleis", "cancelad"),
        "lapsed": ("cancelado", "cancelada", "cancelaron", "desactivado", "desactivada", "desactivaron", "suspendido",
                   "suspendida", "suspendieron", "suspendio", "cortaron", "cortado", "cortada", "dieron de baja",
                   "cerraron", "cerrada", "cerrado", "fue cancelado", "fue cancelada", "dio de baja", "borraron",
                   "borrado", "borrada", "eliminaron", "eliminado", "eliminada"),
        "reactivate": ("reactivar", "reactiva", "reactiven", "reactivenme", "reactivarla", "reactivarlo", "reactivacion",
                       "reactibar", "volver a activar", "vuelvan a activar", "activar de nuevo", "activar otra vez",
                       "activar", "activen", "restaurar", "restauren", "recuperar", "recupera", "reconectar",
                       "reconecten", "restablecer", "restablezcan", "reanudar", "de vuelta", "funcionar otra vez"),
        "change": ("cambiar", "cambia", "cambien", "cambio", "cambiarme", "nuevo", "nueva", "otro", "otra",
                   "diferente", "distinto"),
        "dislike": ("no me gusta", "odio", "feo", "dificil de recordar"),
        # Calls for the number's previous owner: R11 fix 4 (a new number) without the word "number".
        "wrong_calls": ("buscando a otra", "buscando a alguien", "por otra persona", "preguntando por",
                        "por alguien mas", "dueno anterior"),
        "block": ("bloquear", "bloquea", "bloquee", "bloqueen", "bloquearlo", "bloquearla", "bloqueo un", "bloqueo a",
                  "bloqueo de", "bloquiar", "amenaza", "amenazando", "amenazas", "amenazantes", "acosa", "acosando",
                  "que ya no me pueda llamar", "que no me pueda llamar", "que no me llame"),
        "spam": ("spam", "robollamadas", "estafa", "estafas", "estafarme", "estafadores", "publicidad", "no deseadas",
                 "telemarketing", "vendedores", "acoso", "llamadas basura", "basura", "espam", "robots",
                 "numeros desconocidos", "numeros raros", "que paren las llamadas", "que ya no me llamen",
                 "filtrar las llamadas", "filtrar llamadas"),
        "unblock": ("desbloquear", "desbloquea", "desbloqueen", "desbloquearlo", "desbloquearla", "desbloqueo",
                    "quitar el bloqueo", "quita el bloqueo", "quiten el bloqueo", "quite el bloqueo",
                    "quitar los bloqueos", "quita los bloqueos", "quiten los bloqueos", "quitar todos los bloqueos",
                    "de la lista de bloqueados", "de los bloqueados", "por error", "sin querer"),
        "optout": ("darme de baja de los mensajes", "baja de los mensajes", "baja de mensajes"),
        "stop": ("no me manden", "no me envien", "no me escriban", "dejen de", "dejar de", "ya no quiero", "no quiero",
                 "basta", "saquenme", "sacame", "quitenme", "no mas", "no +"),
    },
    objects={
        "line": ("linea", "linia", "numero", "numero de telefono", "num", "cuenta", "servicio", "todo", "telefono",
                 "celular"),
        "plan": ("plan", "planes", "complemento", "complementos", "funcion", "adicional", "renovacion", "renueve",
                 "renovar"),
        "number": ("numero", "num", "numero de telefono"),
        "status": ("activa", "activo", "activas", "activos", "estado", "saldo", "credito", "creditos", "vigente"),
        "texts": ("mensaje", "mensajes", "mensages", "texto", "textos", "sms", "lista"),
    },
    negations=("no", "nunca", "jamas", "ni", "ninguna", "ningun", "de ninguna manera", "para nada", "tampoco"),
    plan_names={
        "Text Archive": ("text archive", "archivo de textos", "archivo de mensajes", "archivo"),
        "Call Recording": ("call recording", "grabacion de llamadas", "grabacion", "grabar llamadas", "grabadora"),
    },
    ordinals={
        1: ("1", "uno", "primero", "primera", "el primero", "la primera", "opcion 1", "opcion uno", "la 1", "el 1",
            "la uno", "el uno"),
        2: ("2", "dos", "segundo", "segunda", "el segundo", "la segunda", "opcion 2", "opcion dos", "la 2", "el 2",
            "la dos", "el dos",
            "la otra", "el otro", "la ultima", "el ultimo"),
    },
    line_digits=("termina en", "que termina en", "terminada en", "terminado en", "ultimos 4", "ultimos cuatro"),
    plain=("cancelo", "activa", "activo", "actividad"),
    past=("fue", "fueron", "ha", "han", "habia", "habian"),
    others=(),  # "su" is also "your": Spanish says whose after the object, if at all
    clitics=("melo", "mela", "melos", "melas", "selo", "sela", "selos", "selas", "noslo", "nosla", "me", "te", "lo",
             "la", "le", "nos", "los", "las", "les", "se"),
)

# The dialogue acts' words (vocabulary/acts.py pools every language's: a turn may mix them), folded.
ACT_WORDS = {
    # What may come with thanks or a goodbye and ask for nothing ("muchas gracias por su ayuda").
    "filler": frozenset({
        "perfecto", "genial", "listo", "vale", "bueno", "muy", "muchas", "mil", "por", "la", "su", "tu", "ayuda",
        "excelente", "de", "nuevo", "todo", "bien", "y", "ya", "entonces", "pues", "senor", "senora", "señor",
        "claro", "okey", "oki", "ook", "eso", "es", "seria", "me", "ayudo", "ayudaste", "gracias", "le", "lo", "te",
        "se", "agradezco", "amable", "hoy", "feliz", "dia", "buen", "una", "un",
    }),
    # R18: what may come with an explicit yes ("sí, por favor", "sí, está bien").
    "courtesy": frozenset({
        "estoy", "seguro", "segura", "exacto", "asi", "claro", "obvio", "por supuesto", "supuesto", "por", "favor",
        "gracias", "esta", "bien", "adelante", "dale", "vale", "perfecto", "de", "acuerdo", "muchas", "hazlo",
        "hagalo", "que", "lo", "muy", "con", "eso", "es", "correcto", "ya", "problema", "sin", "y", "entiendo",
        "entendido", "senor", "senora", "senorita", "porfavor", "porfa", "este", "eh", "pues",
    }),
    # What may follow a "no" and keep it a plain no ("no, no lo cancelen", "no gracias, estoy bien así").
    "no_rest": frozenset({
        "cancelen", "cancele", "cancelar", "cancelarlo", "hagas", "hagan", "haga", "cambies", "cambien", "bloquees",
        "bloqueen", "nada", "la", "lo", "estoy", "bien", "asi", "esta", "interesa", "necesito", "me", "hace",
        "falta", "perdon", "era", "eso", "gracias", "ese", "esa", "por", "favor", "quiero", "no", "muchas", "ahora",
        "todavia", "es", "el", "nop", "mil", "para", "canceles", "mejor", "olvidalo", "olvidelo",
    }),
    # What may come with a greeting ("hola, buenas tardes, ¿cómo está?").
    "greet_filler": frozenset({
        "hoy", "va", "todo", "bien", "es", "estan", "todos", "ustedes", "y", "onda", "hubo", "quiubo", "saludos",
        "ola", "holi", "holis", "ya", "hola", "buenas", "buenos", "dias", "tardes", "noches", "como", "esta",
        "estas", "que", "tal", "hay", "alguien", "ahi", "alo", "oye", "buen", "dia", "senor", "senorita", "bueno",
    }),
}
# How people name this language, in any language (folded): asking for it or refusing it (R20).
LANGUAGE_NAMES = ("espanol", "spanish", "castellano")

# Language identification (vocabulary/language_id.py): Spanish function words and everyday words of
# this product, folded (no accents); 2 = unmistakable. A word ending in EVIDENCE_SUFFIX counts 1 when
# no table has it; written accents, ñ, ¿ and ¡ (EVIDENCE_MARKS) count once.
LANGUAGE_EVIDENCE = {
    2: """los las del que mi mis por para con esta estoy quiero quisiera necesito puedo puedes pueden como
    cuando donde porque pero muy tengo tiene tienen hola gracias una unos unas usted ustedes hay favor numero
    linea llamada llamadas mensaje mensajes cancelar cancela cancelen bloquear bloquea cambiar telefono celular
    cuenta ayuda nuevo nueva otro otra bien ahora hoy tambien solo todo nada algo alguien nadie porfa pues bueno
    adios espera esperame olvide hablar hablo persona entiendo quiero gracias buenos buenas dias tardes noches
    senor senora desde hasta sin sobre entre cual cuales cuanto cuanta quien ya yo tu nos les su sus ser estar
    hacer mejor gusta llaman llamando recibo recibir funciona suena termina cuesta pasa pasar cobran cobro
    cobraron reembolso devolucion dinero planes confirmo confirmar olvido recuerdo acuerdo claro vale
    dale perdon disculpa disculpe oiga oye ayudame dime mande manda mandame enviame quiero llamame llamenme
    reactivar desbloquear grabacion archivo amenazas amenazando robaron perdi perdido robado esposo esposa hijo
    hija mama papa numero telefono mio mia tuyo seguro segura idea verdad cierto entonces asi tambien aqui
    alli eso esto ese esa este estos estas cobren bloqueen llegan deseadas deseado deseados robollamadas
    vendedores cada rato jaja jajaja jeje eres dan reembolsos conecta marco adelante nop ahora ay momento
    segunda segundo primero primera tercero agente alto parar detener baja si un estan esto hola quiero
    amenaza amenazan molestando molestan marcan contesto contestan sirve funcionan dejen dejar deja favor
    olvidalo dejalo quiero gustaria puede podria podrias ayudeme necesitamos queremos tenemos somos
    ningun ninguna siempre nunca quiere quieres llamar escribir texto
    textos servicio pago pagar tarjeta factura fecha cuando renovar renueva renovacion mes meses ano anos
    credito creditos saldo activa activo activar desactivar suspendida suspendido suspender cancelado cancelada
    cancelaron cancelo ultimos cuatro digitos codigo clave ingles espanol castellano habla hablas contestar
    alo chao hasta luego vemos manana semana""".split(),
    1: """de la lo le se al un si es son fue era va voy vas van me te mas ni o u e y""".split(),
}
EVIDENCE_SUFFIX = re.compile(r"(cion|ciones|amos|emos|imos|ando|iendo|aron|ieron|mente|ado|ada|ados|adas|ito|ita)$")
EVIDENCE_MARKS = "áéíóúñ¿¡ÁÉÍÓÚÑü"

# Sentences composed for the dialogue-act model (vocabulary/act_model.py): each change's verb and what
# it acts on, templates of a request, a question and a statement about them ({v} the verb, {o} the
# object), and the verb's other forms the templates name.
_ACT_OBJECTS = {
    "cancelar": ["mi línea", "mi plan", "el archivo de textos", "la grabación de llamadas", "mi cuenta",
                 "toda la línea", "el plan principal", "la grabación"],
    "bloquear": ["este número", "el 212 555 0143", "a esa persona", "ese número"],
    "desbloquear": ["el 212 555 0143", "el número de mi hermano"],
    "cambiar": ["mi número", "de número"],
    "reactivar": ["mi línea", "mi número", "mi cuenta"],
}
_ACT_REQUESTS = ["{v} {o}", "quiero {v} {o}", "necesito {v} {o}", "quisiera {v} {o}", "me gustaría {v} {o}",
                 "¿puedes {v} {o}?", "por favor {v} {o}", "¿me pueden {v} {o}?", "ayúdame a {v} {o}",
                 "llamo para {v} {o}", "hola, quiero {v} {o}", "quería {v} {o}", "deseo {v} {o}",
                 "favor de {v} {o}", "necesito que me ayuden a {v} {o}"]
_ACT_QUESTIONS = ["¿qué pasa si {v_c} {o}?", "¿cómo {v_c} {o}?", "cómo puedo {v} {o}",
                  "¿hay algún cargo por {v} {o}?", "si {v_c} {o}, ¿me quedo con mi número?",
                  "¿pierdo mis créditos si {v_c} {o}?", "¿cuándo termina {o}?", "cuanto cuesta {v} {o}",
                  "si {v_c} {o} me devuelven el dinero", "quisiera saber qué pasa si {v_c} {o}",
                  "¿se puede {v} {o} en línea?", "¿{o} se renueva solo?", "¿cuándo se renueva {o}?",
                  "{o} sigue activo hasta fin de mes, ¿verdad?", "¿cuánto tarda {v} {o}?",
                  "¿debería {v} {o}?", "por qué no puedo {v} {o}", "tengo una duda, ¿qué pasa si {v_c} {o}?"]
_ACT_STATEMENTS = ["ya {v_p} {o}", "mi esposa quiere {v} su línea", "estoy pensando en {v} {o}",
                   "no quiero {v} {o}", "alguien me llama desde el 212 555 0143", "alguien me manda amenazas",
                   "perdí mi teléfono ayer", "me robaron el celular", "me llegan muchas llamadas de spam",
                   "se me cortan las llamadas", "no me suena el teléfono", "desde ayer no me llegan los mensajes",
                   "me cobraron dos veces este mes", "mi hijo {v_p} su línea por error", "tengo un teléfono nuevo",
                   "me voy a cambiar de compañía", "las llamadas se van directo al buzón", "nunca pedí {o}",
                   "tal vez {v_c} {o} el próximo año", "me cancelaron la línea sin razón",
                   "me llaman a cada rato en la noche", "nadie me puede llamar"]
_ACT_PRESENT = {"cancelar": "cancelo", "bloquear": "bloqueo", "desbloquear": "desbloqueo", "cambiar": "cambio",
                "reactivar": "reactivo"}
_ACT_PAST = {"cancelar": "cancelé", "bloquear": "bloqueé", "desbloquear": "desbloqueé", "cambiar": "cambié",
             "reactivar": "reactivé"}

ACT_SENTENCES = {
    "objects": _ACT_OBJECTS,
    "forms": (("request", _ACT_REQUESTS), ("question", _ACT_QUESTIONS), ("statement", _ACT_STATEMENTS)),
    "inflections": {"v_c": _ACT_PRESENT, "v_p": _ACT_PAST},  # "si cancelo", "ya cancelé"
}
