"""What kind of thing a turn does (its dialogue act), read in the light of what the step asked.

``act_of(text, lang, channel, step)`` gives an ``Act``: one of ACTS (the held-out set's
schema, tests/data/turns/README.md), the language asked for when it is a switch, and which
answer it is when it answers the step (a PIN, a code, a number, a line, a plan, a choice).
Pure: words in, an act out; no database. The intent of a request, a question or a
statement is the understanding model's business (vocabulary/understand.py); what this module
decides is whether it is one, which is what keeps a question from starting a change (R24).

Rules, checked in this order, because the earlier ones must win whatever else is said:
1. nothing usable (empty, emoji, an iPhone reaction) → unclear; a text that is only an
   opt-out word (R16: STOP, CANCEL, "CANCEL ALL", "stop texting me") → opt_out;
2. keys that mean the same at every step: 0 a person (R15), 8 at the PIN a code (R21), 9 at
   the greeting the other language (R20); a lone 1 at a confirmation is yes (R18), a longer
   sequence confirms nothing;
3. a person asked for, a forgotten PIN, a language switch: heard at every step;
4. goodbye (wins over thanks and over a "no" said with it), a hesitation or correction
   ("wait", "actually", "mejor no": R18 ends the request at once), an explicit yes (R18: yes,
   confirm, sí, alone or with courtesy words only), a no, thanks, a greeting, "I don't know";
5. the step's answer: a PIN at ``pin``, a code at ``code``, a line at ``target``, a number at
   ``block_number``, a plan or an option's number at ``plan`` / ``which`` / ``fix`` /
   ``reason``, a worded reason at ``reason`` / ``fix``;
6. a question (R24: "what day does my service end?", "how do I …", "the number stays,
   right?", "is there a fee to …"), unless it is a request in a question's clothes ("can you
   cancel my line?"); a statement (a report: "someone keeps calling me with threats", "I lost
   my phone"); else a request. At a confirmation, anything else confirms nothing (unclear).

The rules alone were chosen, first, over a scikit-learn model trained on our phrases and composed
sentences (act accuracy on the held-out turns: the rules 80.7 %, the model 71.8 %). With our
training turns (vocabulary/phrases/turns/, whole turns at every step) a second reader now stands
beside them: ``act_of`` is the rules' act (``rules_act``), or vocabulary/act_model.py's where that
model is sure and its guards allow it (keys, R16's words, R18's strict yes, R15/R20/R21 and a
hesitation stay the rules'; it never makes a request of a question or a report). By folds of our
turns: the rules 79.9 % (39 questions or reports read as requests), the two together 83.9 % (21).
``LEARNT = False`` is the rules alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import import_module

from core import languages
from core.formatting import fold
from vocabulary import slots as slot_reader

ACTS = ("request", "question", "statement", "answer", "yes", "no", "hesitation", "thanks", "goodbye", "greeting",
        "dont_know", "switch_language", "forgot_pin", "person", "opt_out", "unclear")
# The steps at which something is in progress (a "wait" there ends it).
IN_PROGRESS = ("pin", "code", "target", "plan", "reason", "offer", "confirm", "block_number", "fix", "which")
MAX_CHARS = 400


@dataclass(frozen=True)
class Act:
    act: str
    language: str | None = None  # switch_language: the language asked for
    answer: str | None = None  # answer: pin, code, number, line, plan, choice (None: a worded answer)
    how: str = ""  # the rule that decided (for the logs and the tests; never the text)


# The words (folded) -----------------------------------------------------------------------------
def _pooled(table: str) -> frozenset[str]:
    """One of the acts' word tables, every language's words together (each vocabulary's ACT_WORDS)."""
    return frozenset().union(*(import_module(languages.get(code).vocabulary).ACT_WORDS[table]
                               for code in languages.CODES))


# How each language is named (each vocabulary's LANGUAGE_NAMES): R20's switch to it.
LANGUAGE_NAMES = {code: import_module(languages.get(code).vocabulary).LANGUAGE_NAMES for code in languages.CODES}
ANY_LANGUAGE_NAME = tuple(name for names in LANGUAGE_NAMES.values() for name in names)

OPT_OUT = frozenset({
    "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt out",
    "cancel all", "end all", "quit all", "unsubscribe all", "cancel everything", "stop everything",
    "stop texting me", "stop texting", "stop messaging me", "stop sending me texts", "stop sending me messages",
    "no more texts", "no more messages", "don t text me", "dont text me", "do not text me", "remove me",
    "remove me from this list", "take me off your list", "take me off the list", "unsubscribe me", "opt me out",
    "please stop", "stop please", "alto", "parar", "cancelar", "detener", "basta", "baja", "no mas",
    "no mas mensajes", "no mas textos", "alto por favor", "por favor alto", "darme de baja", "dar de baja",
    "no me manden mas mensajes", "no me manden mas", "no me manden mensajes", "no me envien mas mensajes",
    "no me envien mensajes", "no me escriban mas", "no me escriban", "dejen de escribirme",
    "dejen de mandarme mensajes", "dejen de enviarme mensajes", "no quiero mas mensajes",
    "no quiero recibir mensajes", "dejen de mandarme textos",
})
OPT_OUT_WORDS = re.compile(
    r"^(please |pls |plz |i want to |i wanna |i d like to |i would like to |i need to |can you |could you |"
    r"quiero |necesito )?((stop|quit|no more|don t|dont|do not|never) (texting|messaging|sending|send|text|"
    r"message|msg|txt)( me)?( any ?more| again| texts| messages| msgs| these| this| stuff| ever again)*|"
    r"unsubscribe( me)?( from( (this|these|the|your|all|all of))?( (text messages|texts|messages|msgs|list|"
    r"everything)))?|opt( me)? out( of)?( (your|the|these|all))?( (text messages|texts|messages|this|these|everything|"
    r"all))?|take me off (your|the|this) (list|texts|messages)|"
    r"remove me from (your|the|this) (list|texts|messages)|"
    r"(dejen|deja|deje|dejar) de (mandar|enviar|escribir|textear)(me|nos)?( (mensajes|textos|sms|mas))*|"
    r"no (me )?(manden|envien|escriban|mande|envie|mandes|envies|escribas) (mas )?(mensajes|textos|sms)?( mas)?|"
    r"ya no (me )?(quiero|deseo) (recibir )?(mas )?(mensajes|textos|sms)|no quiero (recibir )?mas (mensajes|textos)|"
    r"(quiero )?darme de baja de (los )?(mensajes|textos)|quiero dejar de recibir (mensajes|textos)|"
    r"(stop|quit|don t|dont|do not|never) (contact|contacting|bothering|messaging|spamming) me( again)?|"
    r"leave me alone|dejenme en paz|no me (contacten|molesten) mas|"
    r"(i don t|i dont|i do not) want (these|your|any|any more|anymore|more) (texts|messages|msgs)( anymore)?|"
    r"no quiero (estos|sus|tus|mas|sus) (mensajes|textos)|"
    r"(stop|quit|end|cancel) (all )?(texts|messages|msgs|txts|text messages|sms)|"
    r"(stop|quit) (texting|messaging|sending)( me)?( \w+){0,3}|(parar|alto|detener|basta de) (los )?(mensajes|textos)|"
    r"ya no me (manden|envien|escriban) (nada|mas)|"
    r"(remove|delete|take) my number (from|off) (your|the|this) (list|texts|messages))"
    r"( (please|pls|plz|now|thanks|thank you|por favor|ya|gracias|ahora))*$")
REACTION = re.compile(r"^\s*(liked|loved|disliked|laughed at|emphasized|questioned|le gusto|le encanto|"
                      r"no le gusto|le dio risa|enfatizo|cuestiono|reacted \S+ to)\s+[\"“”']", re.I)

PERSON = ("real person", "a person", "live person", "actual person", "human", "humans", "agent", "an agent",
          "representative", "rep", "operator", "customer service", "supervisor", "manager", "someone real",
          "persona", "una persona", "persona real", "humano", "un humano", "agente", "asesor", "asesora",
          "representante", "operador", "operadora", "servicio al cliente", "un ser humano", "alguien real")
PERSON_VERBS = re.compile(r"\b(talk|speak|chat) (to|with) (someone|somebody|anybody|anyone)\b|"
                          r"\b(hablar|comunicarme|comunicar|hable|pasame|paseme|pasen|pase|transfer[a-z]*|"
                          r"comuniqueme|comunicame) (con )?(alguien|algun)\b|\bconnect me\b|\btransfer me\b")
FORGOT = re.compile(
    r"\b(forgot|forget|forgotten|forgetting|don t remember|dont remember|do not remember|can t remember|"
    r"cant remember|cannot remember|don t know|dont know|do not know|lost|reset|no idea what|not sure what|"
    r"don t have|dont have|olvide|olvido|olvidado|olvidada|no recuerdo|no me acuerdo|no se|perdi|no tengo|"
    r"se me (borro|fue)|"
    r"no la se|no lo se|no me la se|no me lo se|resetear|restablecer|cambiar)\b"
    r"(\s+\w+){0,4}?\s+(pin|pins|passcode|password|pass code|contrasena|clave|nip|codigo secreto|numero secreto)\b|"
    r"\b(new pin|nuevo pin|nueva clave|what s my pin|whats my pin|what is my pin|cual es mi pin|"
    r"send (me )?(a |the )?code|text (me )?(a |the )?code|mandame (un |el )?codigo|enviame (un |el )?codigo|"
    r"mandenme (un |el )?codigo|envienme (un |el )?codigo|necesito (un |el )?codigo|one time code|"
    r"codigo de un solo uso|se me olvido|me olvide|what was my pin|what s the pin|what is the pin|"
    r"which pin|what pin|cual era mi pin|cual es el pin|que pin|never (set|made|got|had) (up )?a pin|"
    r"nunca (puse|tuve|cree|hice) (un )?pin|no me se (el|mi) (pin|clave|nip)|"
    r"where (do|can) i (find|get|see) (my|the|a) pin|how do i (get|find|recover|reset) (my|a|the) pin|"
    r"(como|donde) (obtengo|consigo|recupero|encuentro|veo|saco) (mi|el|un) (pin|nip|clave)|"
    r"(recover|retrieve|recuperar|recupera) (my|mi|el|the) (pin|nip|clave))\b")
FORGOT_AT_PIN = re.compile(r"^(i )?(forgot|forget|forgot it|i forgot it|olvide|lo olvide|la olvide|se me olvido|"
                           r"no me acuerdo|no recuerdo|no lo recuerdo|don t remember|dont remember|"
                           r"i don t remember|i dont remember|i don t remember it|no lo se|no la se|"
                           r"i don t know it|i dont know it|i don t have it|code|codigo|no tengo|"
                           # R21's code again: "send it again", "mándamelo otra vez"
                           r"(please )?(re ?send( it| the code)?|send (it|the code|a code|me a code|another( one| code)?|"
                           r"a new (one|code)|me another( one)?)( again)?|new code|another code)( please)?|"
                           r"i (didn t|didnt|never) (get|got|receive|received) (it|the code|a code|any code)|"
                           r"(mandalo|mandamelo|envialo|enviamelo|reenvialo|reenviamelo)( otra vez| de nuevo)?|"
                           r"(mandame|enviame) otro( codigo)?|otro codigo|no me llego( el codigo| nada)?)$")
# At the code prompt, R21's code asked for again in a sentence ("it expired, send me a new one",
# "no me ha llegado nada, me lo reenvías?", "me lo puedes volver a mandar").
CODE_AGAIN = re.compile(r"\b(re ?send\w*|send (it|me|another|a new)( \w+)?( one| code)?( again)?|send again|new one|"
                        r"another one|new code|another code|otro codigo|reenvia\w*|reenvie\w*|"
                        r"vuelv\w+ a (mandar|enviar)|volver a (mandar|enviar)|(mandame|mandenme|enviame|envienme) otro|"
                        r"never got (it|the code|a code|anything)|didn t get (it|the code|a code|anything)|"
                        r"no me (ha )?llegado|no me llego|no me llega|expired|expiro|se vencio|ya se vencio|caduco)\b")
CODE_NOT_AGAIN = re.compile(r"\b(don t|dont|do not|no) (re ?send|send|me (lo |la )?(mandes|mandas|envies))\b")
SPEAK_NOT = re.compile(r"\b(no hablo|no entiendo|no se|no speak|no hablamos|i don t speak|i dont speak|"
                       r"i do not speak|i can t speak|i cant speak|don t understand|dont understand|"
                       r"no comprendo|no english|no spanish|no ingles|no espanol)\b")
GOODBYE = ("bye", "goodbye", "good bye", "bye bye", "byebye", "bye now", "see you", "see ya", "later bye",
           "talk later", "talk to you later", "ttyl",
           "have a good day", "have a nice day", "have a great day", "have a good night", "have a good one",
           "take care", "that s all", "thats all", "that is all", "that s it", "thats it", "that will be all",
           "i m done", "im done", "all done", "nothing else", "that s everything", "adios", "chao", "chau",
           "hasta luego", "hasta pronto", "hasta manana", "nos vemos", "eso es todo", "es todo", "seria todo",
           "eso seria todo", "nada mas", "que tenga buen dia", "que tengas buen dia", "cuidese", "cuidate",
           "ya termine", "ya es todo", "es todo gracias", "that s all i needed", "that s all i need",
           "thats all i needed", "all i needed", "eso era todo", "era todo", "that was all", "that was it")
THANKS = ("thanks", "thank you", "thank u", "thx", "ty", "tysm", "thnx", "thanx", "appreciate it", "appreciate",
          "much appreciated", "gracias", "muchas gracias", "mil gracias", "se lo agradezco", "te lo agradezco",
          "le agradezco", "agradecido", "agradecida", "muy amable")
FILLER = _pooled("filler")
COURTESY = _pooled("courtesy")
YES = frozenset({"yes", "y", "ye", "yess", "yesss", "confirm", "confirmed", "confirming", "si", "confirmo",
                 "confirmar", "confirmado", "sip", "ys"})
NO = frozenset({"no", "nope", "nah", "n", "nop", "negative", "negativo", "nel", "noo", "nooo", "nono", "none",
                "neither", "ninguno", "ninguna"})  # at "which plan?", "which line?": none of those offered
# Words that undo a yes said with them (R18: only a yes with nothing but courtesy confirms).
NEGATED_YES = frozenset({"no", "not", "don", "dont", "never", "nunca", "nada", "nope", "nah", "ni"})
NO_PHRASES = ("none of them", "none of those", "neither one", "neither of them", "ninguno de los dos",
              "ninguna de las dos", "ninguno de ellos", "ninguna de ellas", "don t", "dont", "do not", "do not do that", "don t do it", "dont do it", "don t do that",
              "dont do that", "para nada", "no quiero", "ahora no", "not now", "no way", "de ninguna manera",
              "not that", "not that one", "ese no", "esa no", "eso no", "no lo hagas", "no confirmo",
              "not this one", "no thanks", "no thank you", "no gracias", "no no", "absolutely not",
              "i don t want that", "i dont want that", "i don t want it", "i dont want it", "no lo quiero",
              "no quiero eso", "no por favor", "mejor no", "mejor no gracias", "no mejor no", "no, por favor",
              "nunca", "never", "no esta bien", "no es correcto",
              "that s wrong", "thats wrong", "wrong", "incorrect", "incorrecto", "i m good", "im good",
              "i m fine", "im fine", "i ll pass", "ill pass", "not interested", "no me interesa", "paso",
              "asi esta bien", "estoy bien asi", "asi estoy bien", "skip", "skip it", "omitir", "saltar",
              "no need", "no hace falta", "not necessary", "no es necesario", "leave it", "leave it as is",
              "i don t", "i dont", "i do not", "no i don t", "no i dont", "mejor no")
NO_REST = _pooled("no_rest")
# The hesitations that lead a correction ("actually, just give me a new number instead"): what
# follows them may be a request of its own.
CORRECTIONS = ("actually", "wait", "hold on", "hang on", "oh wait", "no wait", "espera", "espere", "esperame",
               "un momento", "en realidad", "mejor", "no espera", "ay espera")
HESITATE = ("wait", "wait wait", "hold on", "hang on", "actually", "one moment", "one sec", "one second",
            "just a moment", "just a sec", "just a second", "just a minute", "never mind", "nevermind", "nvm",
            "forget it", "forget about it", "changed my mind", "change my mind", "changed mind", "second thought",
            "second thoughts", "keep it", "keep my", "i want to keep", "i wanna keep", "let me think",
            "think about it", "not yet", "not so fast", "stop stop", "don t do it", "dont do it", "whoa",
            "woah", "espera", "esperame", "espereme", "espere", "esperen", "esperate", "un momento", "un segundo",
            "un minuto", "momentito", "momento por favor", "mejor no", "pensandolo bien", "cambie de opinion", "cambie de idea",
            "olvidalo", "olvidelo", "dejalo", "dejelo", "dejalo asi", "mejor lo dejo", "quiero conservar",
            "quiero mantener", "quiero quedarme con", "conservar mi", "mantener mi", "no lo hagas",
            "lo voy a pensar", "dejame pensarlo", "todavia no", "aun no", "mas bien no", "en realidad no",
            "pensandolo mejor", "hold up", "wait a minute", "wait a sec", "wait a second", "maybe later",
            "not today", "not right now", "mejor mas tarde", "luego lo hago", "mejor despues", "despues lo hago",
            "lo hago despues", "mas tarde lo hago", "otro dia", "ahorita no",
            "lo pienso", "think it over", "let me think about it", "i need to think", "necesito pensarlo",
            "i ll think about it", "hmm wait", "pause", "stop stop stop", "no espera", "no wait",
            "gimme a sec", "gimme a min", "gimme a minute", "gimme a second", "un seg", "un segundo nada mas",
            "give me a sec", "give me a second", "give me a minute", "give me a moment", "let me see",
            "let me check", "let me find", "let me look", "let me ask", "dejame ver", "dejeme ver", "dejame pensar",
            "dejeme pensar", "dejame checar", "dejeme checar", "perate", "perame", "aguarde", "aguarda", "aguanta",
            "deja veo", "deja ver", "deja checo", "un segundito", "un momentito")
# Hesitations only when they are the whole turn ("it cuts out after a minute" hesitates at nothing).
HESITATE_ALONE = frozenset({"momento", "a sec", "a second", "a minute", "a moment", "sec", "one min", "a min",
                            "despues", "mas tarde"})  # not "me llegan horas después"
# Hesitation words a new request can follow at the greeting ("actually, I want a new number").
WEAK_HESITATE = ("actually", "wait", "hold on", "en realidad", "espera", "hang on", "one moment", "un momento",
                 "one sec", "a sec", "hold up", "wait wait", "wait a minute", "wait a sec", "wait a second",
                 "un segundo", "momento", "whoa", "woah")
GREETING = ("hi", "hello", "hey", "hiya", "yo", "good morning", "good afternoon", "good evening", "greetings",
            "hi there", "hello there", "hey there", "howdy", "hola", "buenos dias", "buenas tardes",
            "buenas noches", "buenas", "que tal", "alo", "hola buenas", "buen dia", "hello anyone there",
            "is anyone there", "anyone there", "hay alguien", "hola hay alguien ahi", "how are you",
            "como estas", "como esta", "morning", "evening", "afternoon", "good day", "sup", "what s up",
            "whats up", "que onda", "hey hey", "hi hi", "hello hello", "oye", "ola", "holi", "holis", "como estan",
            "que hubo", "quiubo", "saludos", "buenas buenas", "how are you doing", "how are you doing today",
            "how are you today", "how s it going", "hows it going", "como le va", "como les va", "como te va")
ACTION_WORDS = ("cancel", "block", "change", "refund", "plan", "plans", "line", "number", "pin", "help", "problem",
                "cancelar", "bloquear", "cambiar", "reembolso", "linea", "numero", "ayuda", "problema")
GREET_FILLER = _pooled("greet_filler")
DONT_KNOW = ("nose", "i don t really know", "i dont really know", "don t really know", "not really sure",
             "no se la verdad", "no sabria", "good question", "buena pregunta", "no estoy muy seguro",
             "no estoy muy segura", "i m not really sure", "no se bien", "i don t know which", "i dont know which", "not sure which", "no se cual", "no se cuales",
             "i m not sure which", "no se que", "i don t know what", "i dont know what", "not sure what",
             "no idea which", "i have no clue", "no estoy seguro de cual", "no estoy segura de cual",
             "hmm i don t know", "um i don t know", "no lo tengo claro", "no tengo ni idea", "i don t know", "i dont know", "i do not know", "don t know", "dont know", "idk", "dunno",
             "not sure", "no idea", "i have no idea", "i m not sure", "im not sure", "no clue", "no se", "no lo se",
             "ni idea", "no estoy seguro", "no estoy segura", "quien sabe", "no tengo idea", "no sabria decir",
             "i don t remember", "i dont remember", "no me acuerdo", "no recuerdo", "i can t remember",
             "not really sure", "beats me", "ni se", "pues no se", "la verdad no se")
ACCEPT = frozenset({"ok", "okay", "sure", "fix", "fix it", "yeah", "yep", "yup", "alright", "sounds good",
                    "lets do it", "let s do it", "let s try", "try it", "dale", "vale", "claro", "bueno",
                    "de acuerdo", "arreglar", "arreglalo", "va", "okey", "esta bien"})

# Questions: how they begin, how they end.
Q_START = re.compile(
    r"^(what|whats|what s|when|whens|when s|where|wheres|why|how|hows|how s|which|who|whos|whose|is|isn t|isnt|"
    r"are|aren t|arent|am|was|were|wasn t|wasnt|weren t|do|does|doesn t|doesnt|did|didn t|will|won t|wont|would|"
    r"could|can|can t|cant|should|"
    r"shall|has|have|if|any|wondering|i wonder|i was wondering|im wondering|i m wondering|i want to know|"
    r"i wanna know|i d like to know|id like to know|i need to know|tell me|explain|curious|quick question|"
    r"question|que|qu|cuando|cuanto|cuanta|cuantos|cuantas|como|donde|adonde|por que|porque|cual|cuales|quien|"
    r"quienes|se puede|puedo|hay|es cierto|es verdad|tengo que|me quedo|pierdo|sigo|sigue|voy a|me van a|"
    r"me cobran|cobran|quisiera saber|quiero saber|me gustaria saber|necesito saber|una pregunta|pregunta|"
    r"dime|me puedes decir|me podrias decir|me puede decir|me dices|me dice|sabes|sabe|seguire|me devuelven|"
    r"devuelven|existe|tiene|tienen|tengo|conservo|mantengo|me cobraran|se cobra|incluye)\b")
REQUEST_IN_QUESTION = re.compile(
    r"^(can|could|would|will|cn|can t) (you|u|ya|someone|somebody|y all|you guys) (please |pls |just |kindly )?"
    r"(?!tell|explain|let me know|say|confirm if|check if|check when|check whether|see if)|"
    r"^(can|could|may) i (please )?(get|have|request|order|grab)\b|"
    r"^(me )?(puedes|puede|pueden|podrias|podria|podrian|podes|podeis|podriais) (por favor )?(?!decir|explicar|informar|"
    r"confirmar si)"
    r"(?!\w+ (si|cuando|como|que)\b)\w+|"
    r"^(me|nos|lo|la|los|las|le|les)( (lo|la|los|las))? (puedes|puede|pueden|podrias|podria|podrian|podes|podeis|"
    r"podriais)\b(?! (decir|explicar|informar))|"
    r"^me (quitas|quitan|cancelas|cancelan|bloqueas|bloquean|desbloqueas|desbloquean|cambias|cambian|activas|"
    r"activan|reactivas|reactivan|das de baja|dan de baja)\b|"  # not "me devuelven…?": a refund asked about (R1)
    r"^(is it possible to|would it be possible to) (get|have)\b")
PAST_MINE = re.compile(r"(^|\s)(ya )?(cancelé|bloqueé|cambié|desbloqueé|reactivé|cerré|di de baja|pedí)\b")
LAUGH = re.compile(r"\b(lol|lmao|rofl|haha\w*|jaja\w*|jeje\w*|hehe\w*|xd)\b")
TAIL_QUESTION = re.compile(r"\b(is that (true|right|correct|so)|right|correct|verdad|cierto|no es asi|es cierto|"
                           r"or not|o no)$")
INFO_NOUNS = re.compile(r"\b(policy|policies|date|dates|fee|fees|cost|costs|price|prices|pricing|hours|deadline|"
                        r"politica|politicas|fecha|fechas|costo|costos|precio|precios|tarifa|tarifas|cargo|cargos|"
                        r"horario)\b")
ACTION = re.compile(r"\b(cancel|block|unblock|change|reactivate|restore|refund|give|send|show|stop|switch|port|"
                    r"transfer|suspend|call me|text me|undo|turn off|remove|delete|close|end|get me|"
                    r"cancela|cancelen|cancelar|bloquea|bloqueen|bloquear|desbloquea|desbloquear|cambia|cambien|"
                    r"cambiar|reactiva|reactiven|reactivar|suspende|suspendan|suspender|quiten|quitar|elimina|"
                    r"eliminar|devuelvan|llamenme|llamame|manden|envien|para|paren|detener|cancelala|cancelalo|"
                    r"cancelenla|cancelenlo|bloquealo|bloqueala|desbloqueala|desbloquealo|desbloqueenla|reactivala|"
                    r"reactivenla|suspendela|suspendanla)\b")
POLITE_REQUEST = re.compile(
    r"^(can|could|may) i (please )?(cancel|stop|block|unblock|change|reactivate|get|have|switch|turn off|remove|"
    r"close|end|restore|swap)\b|"
    r"^(puedo|podria|me (pueden|puedes|podrian)) (por favor )?(cancelar|bloquear|desbloquear|cambiar|reactivar|"
    r"quitar|cerrar|dar de baja|obtener|tener|pedir)\b")
CLAUSES = re.compile(r"[,.;:!]+|\s+(?:but|pero|so|asi que)\s+")
TAG = re.compile(r"(\bright|\bcorrect|\bverdad|\bcierto|\bno|\byes|\bok|\bokay|\bsi|\bno es asi|\bsure)\s*\?\s*$")
LEAD = re.compile(r"^((hi|hello|hey|hola|oye|oiga|disculpa|disculpe|perdon|perdona|excuse me|um|uh|uhm|eh|so|"
                  r"ok|okay|and|also|y|tambien|ah|oh|well|bueno|pues|sorry|quick question|una pregunta|"
                  r"buenos dias|buenas tardes|buenas|good morning|yeah|yes|actually|en realidad|"
                  r"then|entonces|btw|by the way|hmm|mmm|(?:no|nah|nope)(?= (?:just|only|simply|solo|nomas|"
                  r"simplemente)\b)|"
                  # a step put off for a moment: "wait before that how much…", "espere antes del pin, …"
                  r"(?:wait|hold on|espera|espere|oiga)(?= (?:before|antes)\b)|before (?:that|the pin|the code|"
                  r"i give it to you|you do that|we go on)|antes (?:de eso|del pin|del codigo|de darselo|de darte(?:lo)?|"
                  r"de seguir))\s+)+")

REQUEST_CUES = re.compile(
    r"\b(i want|i wanna|i need|i would like|i d like|id like|i wish to|i m trying to|im trying to|"
    r"i am trying to|i d love|let me|help me|please|pls|plz|kindly|i m calling to|im calling to|"
    r"i am calling to|i m here to|quiero|quisiera|necesito|me gustaria|deseo|ocupo|favor de|por favor|"
    r"ayudame|ayudeme|vengo a|llamo para|hagan|haz|quiero que|can you|could you|can u|would you|"
    r"i want|want to|wanna|i need|need to|need a|need my|looking to|trying to|hoping to|gotta|have to|"
    r"go ahead and|go ahead|"
    r"i ll need|i ll take|queria|busco|deseaba|necesitaria|quiero|me interesa|requiero|"
    r"puedes|pueden|podrias|podrian|me puede)\b")
IMPERATIVE = re.compile(  # the verb first, maybe after "just" or "please" ("solo cancelen mi línea")
    r"^(?:(?:just|please|pls|plz|simply|solo|nomas|nada mas|simplemente|porfa|por favor|mejor)\s+)*"
    r"(cancel|stop|block|unblock|change|reactivate|restore|turn|switch|give|get|show|send|call|text|refund|"
    r"remove|delete|end|terminate|close|port|transfer|move|suspend|pause|undo|check|list|make|set|put|"
    r"disconnect|deactivate|activate|reconnect|swap|replace|pick|add|sign|renew|unsuspend|keep|fix|help|take|let|"
    r"saca|saque|saquen|sacar|"
    r"cancela|cancele|cancelen|cancelar|cancelame|cancelala|cancelalo|cancelenla|cancelenlo|bloquealo|"
    r"bloqueala|bloquealos|desbloqueala|desbloquealo|desbloqueenla|desbloqueenlo|reactivala|reactivenla|"
    r"cambialo|cambienlo|suspendela|suspendanla|"
    r"cancela|cancele|cancelen|cancelar|cancelame|bloquea|bloquee|bloqueen|bloquear|bloqueame|desbloquea|"
    r"desbloquee|desbloqueen|desbloquear|cambia|cambie|cambien|cambiar|cambiame|reactiva|reactive|"
    r"reactiven|reactivar|dame|deme|denme|muestrame|muestreme|mandame|mandeme|envia|enviame|envieme|llamame|"
    r"llameme|llamenme|quita|quite|quiten|quitar|elimina|elimine|eliminen|eliminar|borra|borre|borren|borrar|"
    r"da|den|dar|pasa|pasar|transferir|transfiere|suspende|suspendan|suspender|deshaz|deshacer|ver|revisa|"
    r"revisar|activa|activar|activen|detener|deten|para|paren|renueva|renovar|arregla|arreglar|baja|"
    r"refund|plans|planes|plan|status|estado|balance|saldo|agent|reembolso|devolucion|new|nuevo|otro|"
    r"another|different|my)\b")
STATEMENT = re.compile(
    r"^(someone|somebody|some guy|some one|they|he|she|there s|theres|there is|there are|people|this number|"
    r"a number|the number|unknown numbers|i m getting|im getting|i am getting|i keep|i got|i get|i ve been|"
    r"ive been|i have been|i lost|i was|i m being|im being|i am being|i can t|i cant|i cannot|i don t want|"
    r"i dont want|i do not want|i moved|i switched|i already|i just|i never|i didn t|i didnt|i have|i ve|"
    r"i m|im|i am|my (phone|cell|line|number|calls|texts|account|service|plan|bill|husband|wife|son|daughter|"
    r"mom|dad|mother|father|boss|ex|kid|kids|partner|friend|iphone|messages|voicemail|credits?|card)\b|"
    r"it s not|its not|it doesn t|it doesnt|it won t|it isn t|calls (keep|are|don t|dont|won t|aren t)|"
    r"texts (keep|are|don t|dont|won t|aren t)|nothing works|nobody|no one|i received|i receive|"
    r"alguien|me estan|me esta|me llaman|me llegan|me llego|me robaron|me cancelaron|me suspendieron|"
    r"me cobraron|me hackearon|perdi|se me perdio|se me cayo|mi (telefono|celular|cel|linea|numero|esposo|"
    r"esposa|hijo|hija|mama|papa|jefe|ex|cuenta|servicio|plan|factura|iphone|llamadas|mensajes)\b|"
    r"no puedo|no me (suena|llegan|llega|funciona|entran|sale)|no funciona|no suena|no llegan|ya (no|me|se|"
    r"cancele|pague|lo)|tengo (muchas|mucho|un problema|problemas)|estoy recibiendo|recibo|un numero|"
    r"el numero|este numero|hay un|unos|unas|la gente|nadie|el otro dia|ayer|yesterday|last (week|month|night))\b")
_NAMED = "|".join(map(re.escape, ANY_LANGUAGE_NAME))
SWITCH = re.compile(r"\b(in|en|speak|hablar|hablas|habla|hablan|hablame|hableme|atiendame|atiendeme|"
                    r"someone who speaks|alguien que hable|do you speak|se habla|please|por favor|con)\s+"
                    rf"({_NAMED})\b|^({_NAMED})( (please|por favor|pls|plz))?$|^(please|por favor) ({_NAMED})$|"
                    + SPEAK_NOT.pattern)
# Both languages named: the one asked for is the one named after "in", "speak" and their Spanish.
ASKED_IN = re.compile(rf"\b(in|en|speak|hablar|habla)\s+({_NAMED})\b")


VAGUE = frozenset({"ok", "okay", "k", "kk", "okey", "oki", "sure", "yeah", "yea", "yep", "yup", "ya", "alright",
                   "fine", "hmm", "hm", "cool", "got", "it", "vale", "dale", "bueno", "aja", "ajá", "va", "sale",
                   "whatever", "lol", "haha", "jaja", "good", "nice", "great", "right", "so", "um", "uh", "mm",
                   "mhm", "eh", "pues", "este", "orale", "listo", "claro", "perfecto", "entendido", "understood",
                   "i", "see", "ah", "oh", "oo", "okk", "maybe", "quizas", "tal", "vez", "depends", "depende"})
NOISE = re.compile(r"^(what|huh|sorry|pardon|come again|repeat|repeat that|say that again|say again|what was that|"
                   r"que|como|mande|perdon|otra vez|repite|repitelo|no entendi|i didn t get that|didn t catch that|"
                   r"asdf\w*|qwe\w*|[jh][aei]([jh][aei])+[jh]?|lol+|lmao|xd+|h+m+|m+|ugh+|e+h+|a+h+|o+h+|"
                   r"u+h+|u+m+|test|testing|prueba|[^aeiouy\s\d]{4,})$")


# Words that make a sentence about a change no request for it (R24's near misses): a hypothetical,
# a negated or past request, someone else's doing.
NOT_A_REQUEST = re.compile(
    r"\b(thinking (about|of)|considering|might|maybe (i ll|i will|later)|i may|if i were|in case|"
    r"not sure (if |whether )?i (even |really )?(want|wanna|need)|no se si (de verdad |realmente )?(quiero|necesito)|"
    r"i (don t|dont|do not|never) (want|wanna|need) to (cancel|change|block|unblock|close|end|stop|lose|"
    r"reactivate|switch|delete|remove|port|give up)|never asked for|i never (ordered|signed up|asked)|"
    r"^(nobody|no one|nothing|nadie|nada) |nunca (pedi|solicite|contrate)|"
    r"(don t|dont|do not) (cancel|change|close|block|delete|remove|touch)|"
    r"i (already|just)? ?(cancelled|canceled|blocked|unblocked|changed|reactivated|closed|ported|deleted)|"
    r"(my|his|her|their) (wife|husband|son|daughter|mom|mother|dad|father|boss|friend|roommate|brother|sister|"
    r"partner|kid|ex|neighbor|coworker) (wants|want|said|says|is|was|has|had|cancelled|canceled|blocked|changed|"
    r"keeps|tried|told)|"
    r"estoy pensando|pensando en|tal vez|quizas|quiza|a lo mejor|por si acaso|"
    r"(no|nunca) (quiero|deseo|necesito) (cancelar|cambiar|bloquear|desbloquear|cerrar|perder|reactivar)|"
    # the change as a thing talked about: "cambiar de número es un lío", "reactivar es con el mismo número"
    r"^(cancelar|cambiar|bloquear|desbloquear|reactivar|cerrar)( \w+){0,6} (es|seria|deberia|fue|era|sera|cuesta|"
    r"tarda|me da|da)\b|"
    # done, the subject left out: "reactivated my line on Monday, everything works now"
    r"^(cancelled|canceled|blocked|unblocked|changed|reactivated|closed|ported|deleted) (it|my|the|that|this)\b|"
    r"\b(block|blocking|unblock) (button|feature|option|list|tool) (works|worked|is|was|helps|helped)|"
    r"(nunca|jamas) (cancele|cancelaria|cambie|cambiaria|bloquee|bloquearia|desbloquee|desbloquearia|"
    r"reactive|reactivaria|cerre|cerraria|cancelo|cambio|bloqueo)|"
    r"(cancelaria|cambiaria|bloquearia|desbloquearia|reactivaria|cerraria|dejaria)|"
    r"i would never|i d never|i wouldn t|i wouldnt|"
    r"^(they|he|she|someone|somebody|my \w+) (already |just )?(cancelled|canceled|blocked|unblocked|changed|"
    r"reactivated|closed|deleted|ported)|"
    r"(cancel|cambi|bloque|desbloque|reactiv|cerr|borr)(aron|aste|aba|aban)|"
    r"(un|una|el|la|mi) (amigo|amiga|novio|novia|chico|chica|senor|senora|tipo|companero|companera) (\w+ )?"
    r"(cancelo|cambio|bloqueo|desbloqueo|reactivo|cerro)|alguien (cancelo|cambio|bloqueo|desbloqueo|reactivo)|"
    r"pero (ya )?no( quiero)?$|"
    r"no (cancelen|cancele|cambien|cierren|bloqueen|borren)|"
    r"ya (cancele|bloquee|cambie|desbloquee|reactive|cerre)|"
    r"mi (esposa|esposo|hijo|hija|mama|papa|madre|padre|jefe|jefa|amigo|amiga|hermano|hermana|pareja|ex|vecino|"
    r"vecina) (quiere|dijo|dice|esta|estaba|cancelo|bloqueo|cambio|intento)|"
    # wishes and opinions, not requests: "ojalá pudiera bloquear a mi vecino", "I wish I could
    # cancel", "desbloquear no sirve de nada", "blocking doesn't help"
    r"ojala|i wish i (could|had|didn t|didnt|hadn t|hadnt|was|were|never)|si tan solo|if only|"
    r"no sirve(n)? de nada|no sirve(n)? para nada|es inutil|"
    r"(doesn t|does not|won t|wouldn t|never) (help|helps|work|do anything|make a difference))\b")
REPORT = re.compile(
    r"\b(keeps? (calling|texting|sending|dropping|happening|ringing|getting)|won t (stop|ring|work|send)|"
    r"doesn t (work|ring)|isn t (working|ringing)|aren t (coming|going|working)|stopped working|not working|"
    r"since (yesterday|last|this|the)|ever since|for (days|weeks|hours)|all day|every day|"
    r"(threat|threats|threatening|harass|harassing|harassment|stalking|stalker)|got charged|was charged|"
    r"were charged|i (moved|bought|switched|tried|paid|called|got|received|noticed|lost|dropped|broke)|"
    r"desde (ayer|hace|el|la)|todo el dia|cada rato|todos los dias|me (amenaza|amenazan|acosa|acosan)|"
    r"amenazas|no deja de|no dejan de|sigue (llamando|sonando|fallando)|siguen (llamando|llegando)|"
    r"me cobraron|se (me |le )?(corta|cortan|cae|caen)|no (funciona|sirve|suena|llegan|entra|entran))\b")


# A change asked for without a request's words: done with something, ready for it, looking for it.
INDIRECT_REQUEST = re.compile(
    r"\b(i (don t|dont|do not) (need|want|use) (this|the|my|that|it|these|those|any)\b.*\b(anymore|any more|"
    r"no more)|i no longer (need|want|use)|no longer (needed|wanted|in use)|(ready|time) to (cancel|close|stop|"
    r"end|change|block|unblock|reactivate|get rid)|i (must|have to|ve got to|got to) (cancel|close|stop|end|"
    r"change|block|unblock|reactivate)|i d rather not (keep|have|pay)|i m looking for (a|another) (new )?number|"
    r"looking for a new number|has to go|turn it back on|"
    r"(ya no|no) (necesito|quiero|uso|ocupo) (mas )?(la|el|mi|mis|este|esta|esto|eso|ese|esa)\b|"
    r"no quiero mas|estoy buscando (un|otro) numero|(den|dar|dame|denme|da) de baja|"
    # a renewal refused, addressed to us: "don't renew the archive anymore", "no me renueven más…"
    r"^(please |pls |just |so )?(don t|dont|do not) (auto ?)?renew|^(por favor |porfa )?no (me |le |nos )?(renueven|"
    r"renueves|renueve)\b)")
SPAM_WORDS = frozenset({"spam", "spamming", "scam", "scammer", "estafa", "estafador"})
# Someone bothering the customer from a number (R24: the free block is offered first, R11 fix 5).
BOTHERED = re.compile(
    r"\b(keeps? (calling|texting|messaging|ringing|sending)|won t stop|wont stop|doesn t stop|never stops|"
    r"threat|threats|threatening|threatened|harass|harassed|harassing|harassment|stalk|stalking|stalker|"
    r"spam|spamming|scam|scammer|bothering|creep|"
    r"no deja de|no dejan de|sin parar|sigue (llamando|escribiendo|mandando)|siguen (llamando|escribiendo)|"
    r"me (amenaza|amenazan|amenazo|acosa|acosan|molesta|molestan|llaman sin|escriben sin)|amenaza|amenazas|"
    r"acoso|acosando|molestando|estafa|estafador)\b")
IMPERATIVE_NOUNS = (r"^(refund|plans|planes|plan|status|estado|balance|saldo|agent|reembolso|devolucion|new|nuevo|"
                    r"otro|another|different|my|text|call|para|da|ver|end|keep|help|let me)\b")


@lru_cache(maxsize=None)
def _phrases_rx(phrases: tuple[str, ...]) -> re.Pattern:
    """One expression for a list of phrases, each matched as whole words (longest first)."""
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<= )(?:{alternatives})(?= )")


def _has(padded: str, phrases) -> bool:
    return _phrases_rx(tuple(phrases)).search(padded) is not None


def _only(words: list[str], allowed: frozenset[str]) -> bool:
    return all(w in allowed for w in words)


def _strip_phrases(padded: str, phrases) -> str:
    return " " + " ".join(_phrases_rx(tuple(phrases)).sub(" ", padded).split()) + " "


# Reading a turn: the utterance read once, then the stages in order (the first act found wins) ------
OPT_OUT_EDGES = re.compile(r"^((please|pls|plz|por favor|ok|okay|just|solo|ya)\s+)+|(\s+(please|pls|plz|por favor|"
                           r"now|ya|ahora|thanks|thank you|gracias|asap|right now|already|immediately|"
                           r"de una vez))+$")
# A person mentioned rather than asked for: "someone keeps calling", "that person", "block the agent".
PERSON_MENTIONED = re.compile(r"\b(my|mi|our|nuestro|nuestra) (manager|supervisor|boss|jefe|jefa|gerente)\b|"
                              r"\b(someone|somebody|alguien) (keeps|keep|is|has|me)\b|\b(esa|esta|that|this|otra|"
                              r"other|la otra|the other) (persona|person)\b(?! (real|de verdad))|"
                              r"\b(block|bloquear|bloquea|bloquee|bloqueen|blocking) (a |an |the |la |al |a una |a un |"
                              r"una |un )?(person|persona|human|agent)|"
                              r"\b(la|the) (persona|person) (se|que|me|no|va|will|is|who|that)\b")
STAFF = re.compile(r"\b(real person|persona real|humano|human|agent|agente|asesor|representante|"
                   r"representative|operator|operador)\b")
BLOCK_VERB = re.compile(r"\b(block|bloquear|bloquea)\b")
# A short turn that names a language switches to it unless it also names one of these changes.
NOT_A_SWITCH = ACTION_WORDS[:6] + ACTION_WORDS[10:15]
SAID_WITH_GOODBYE = FILLER | NO_REST | NO  # what may come with a goodbye or a hesitation and change nothing
STRONG_HESITATE = tuple(h for h in HESITATE if h not in WEAK_HESITATE)
# After a "no", words that keep what was proposed to change: still a plain no ("no, keep my line").
KEEPING = frozenset({"keep", "keeping", "quedarmela", "quedarmelo", "quedarme", "conservar", "conservarla",
                     "conservarlo", "mantener", "mantenerla", "mantenerlo", "mejor", "olvidalo", "olvidelo"})
SPOKEN_STOP = ("stop", "para", "alto", "detente", "stop it", "cancel", "cancelar", "cancela", "no stop")
BUT_OR_WHY = re.compile(r"\b(but|pero|still|todavia|aun|sigue|why|porque|how|como|when|cuando)\b")
INTRODUCTION = re.compile(r"^(hi|hello|hey|hola|buenas|buenos dias|buenas tardes|good morning)( there)?,? "
                          r"(this is|it s|its|my name is|i m|im|soy|me llamo|habla|le habla) [^\W\d_]+( [^\W\d_]+)?$")
WONDERING = re.compile(r"\b(why|porque|por que|how|como|if|whether|si)\b")
JUST_CANCEL = re.compile(r"\b(just|solo|only|nomas|simplemente)?\s*(cancel\w*|stop|terminate|close|end)\b")
# After a "no", a cancellation turned round ("no lo cancelen", "no cancelen"): Spanish's negative
# imperative, never "no, just cancel it".
NOT_CANCELLING_AFTER_NO = re.compile(r"^((lo|la|los|las|me|te|se|le|les|nos) )+cancel\w*|^cancel(e|en|es|ar)\b")
# A cancellation turned round anywhere in the words ("please just don't cancel it", "mejor no
# cancelen"), never a past one ("no me cancelaron nada", "they didn't cancel it").
NOT_CANCELLING = re.compile(r"\b(don t|dont|do not|not|no|never|nunca)( \w+)? "
                            r"cancel(?!aron\b|ado\b|ada\b|led\b|ed\b)\w*")
WHICH_OBJECT = re.compile(r"\b(line|plan|linea|plan|whole|toda|todo|just|solo|everything|entire|account|cuenta)\b")


@dataclass(frozen=True)
class Reading:
    """One turn, read once: what every stage looks at (the costlier parts computed when first asked)."""

    raw: str  # as typed or heard, trimmed
    folded: str  # core.formatting.fold: lower case, no accents, no punctuation
    words: list[str]
    padded: str  # " folded ": phrases match as whole words
    keyed: str  # the raw text without spaces and "#": keys when it is all digits
    lang: str
    channel: str
    step: str

    @classmethod
    def of(cls, text: str, lang: str, channel: str, step: str) -> Reading:
        raw = (text or "").strip()[:MAX_CHARS]
        folded = fold(raw)
        return cls(raw, folded, folded.split(), f" {folded} ", raw.replace(" ", "").replace("#", ""),
                   lang, channel, step)

    @cached_property
    def bare(self) -> str:
        """The words without the politeness around them ("please stop now" → "stop")."""
        return OPT_OUT_EDGES.sub("", self.folded)

    @cached_property
    def unled(self) -> str:
        """The folded words after their lead-in ("hi", "ok so", "actually"), with a space after."""
        return LEAD.sub("", self.folded + " ")

    @cached_property
    def body(self) -> str:
        return self.unled.strip() or self.folded

    @cached_property
    def plain(self) -> bool:
        """Short words that ask for nothing: no request cue, question mark, digit, "but" or "why"."""
        return not (REQUEST_CUES.search(self.folded) or "?" in self.raw or any(ch.isdigit() for ch in self.raw)
                    or BUT_OR_WHY.search(self.folded))

    @cached_property
    def declines_offer(self) -> bool:
        """R11: at the one offer inside a cancellation, "no, better not" declines the offer; the request goes on."""
        return self.step == "offer" and (self.words[0] in NO or self.folded in NO_PHRASES)

    @cached_property
    def form(self) -> tuple[str, str]:
        """Whether the words ask, ask for or tell, and why (``form_read``)."""
        return form_read(self.raw, self.folded)

    @property
    def kind(self) -> str:
        return self.form[0]


# 1. nothing usable; R16's opt-out words, alone
def _empty(r: Reading) -> Act | None:
    """Nothing said at all."""
    return None if r.words else Act("unclear", how="empty")


def _reaction(r: Reading) -> Act | None:
    """An iPhone reaction (`Liked "…"`) says nothing to the bot."""
    return Act("unclear", how="reaction") if REACTION.match(r.raw) else None


def _opt_out(r: Reading) -> Act | None:
    """R16: a text that is only an opt-out word, or an opt-out said in words ("stop texting me",
    "please take my number off your texting list", "ya no quiero recibir mensajes de ustedes")."""
    if r.channel != "voice" and (r.folded in OPT_OUT or r.bare in OPT_OUT):
        return Act("opt_out", how="opt_out")
    if (OPT_OUT_WORDS.match(r.folded) or OPT_OUT_WORDS.match(r.bare)) and not slot_reader.plan(r.raw):
        return Act("opt_out", how="opt_out_words")
    if opt_out_said(r.raw, r.folded):
        return Act("opt_out", how="opt_out_words")
    return None


# Texts refused in a sentence, anywhere in it (R16): never with a number (that is a block), a plan
# named ("stop my text archive"), or texts that don't arrive ("ya no me llegan mensajes").
OPT_OUT_SAID = re.compile(
    r"\bstop (sending|texting|messaging)( me| my phone| my number| us)?( (any|the|your|these|those))?"
    r"( text messages| texts| messages| sms)?\b|\bstop the (texts|text messages|messages|sms)\b|"
    r"\bno more (texts|text messages|messages|sms)\b|\bunsubscribe me\b|"
    r"\bunsubscribe( me)? from (the |your |these |this |all )?(sms alerts|sms|text alerts|text messages|texts|"
    r"messages|alerts|texting list|list)\b|\bopt( me)? out of (the |your |these |all )?(text messages|texts|messages|"
    r"sms)\b|\btake (me|my number) off (your|the|this) (texting |text |sms )?list\b|"
    r"\b(don t|dont|do not) want (any more |anymore |more |your |these |any )?(text messages|texts|sms)"
    r"( from (you|you guys|this service|this number|your service))?( anymore| any more)?$|"
    r"\b(ya )?no quiero (recibir )?(mas )?(mensajes de texto|mensajes|textos|sms)( de (ustedes|este servicio))?$|"
    r"\b(dejen|deje) de (mandarme|enviarme|escribirme|textearme)\b|"
    r"\b(no|ya no) me (manden|envien|escriban|mande|envie|mandes|envies|textees|texteen)( mas)?\b|"
    r"\bparen (ya )?con los (mensajes|textos)\b|\bquit(enme|ame|eme) de los (mensajes|textos)\b")


def opt_out_said(raw: str, folded: str) -> bool:
    """Whether a sentence refuses the bot's texts (``OPT_OUT_SAID``, with its guards)."""
    bare = OPT_OUT_EDGES.sub("", folded)
    return bool(OPT_OUT_SAID.search(bare)) and not any(ch.isdigit() for ch in raw) and not slot_reader.plan(raw) \
        and not re.search(r"\b(archive|archivo|recording|grabacion|block\w*|bloque\w*|bloqui\w*)\b", folded)


# 2. keys
def _keys(r: Reading) -> Act | None:
    """One key, or at a confirmation a longer sequence: R18, a re-typed PIN confirms nothing."""
    if r.keyed.isdigit() and len(r.keyed) == 1:
        return _one_key(r)
    if r.step == "confirm" and r.keyed.isdigit():
        return Act("unclear", how="keys_at_confirm")
    return None


def _one_key(r: Reading) -> Act | None:
    """0 a person (R15), 8 at the PIN a code (R21), 9 at the greeting the other language (R20),
    a lone 1 at a confirmation or an offer yes (R18), a menu key at the greeting."""
    key = r.keyed
    if key == "0":
        return Act("person", how="key0")
    if key == "8" and r.step in ("pin", "code"):
        return Act("forgot_pin", how="key8")
    if key == "9" and r.step == "command" and r.channel == "voice":
        return Act("switch_language", languages.next_after(r.lang), how="key9")
    if r.step == "confirm":
        return Act("yes", how="key1") if key == "1" else Act("unclear", how="key")
    if r.step == "offer" and key == "1":
        return Act("yes", how="key1")
    if r.step == "command":
        return Act("answer", answer="choice", how="menu_key")
    return None


# 3. heard at every step
# A call back asked for ("have an agent call me tomorrow morning", "que me llamen más tarde"): the
# callback journey (R15's call back), not a transfer now; never "don't call me", "no me llamen".
CALLBACK_ASKED = re.compile(
    r"\b(call me( back)?|ring me( back)?|phone me|give me a call|call back|callback|call-back|call me later|"
    r"llamenme|llameme|llamame|llamarme|me llamen|me llame|me llames|marquenme|marqueme|"
    r"me (devuelvan|regresen|devuelva|regrese) la llamada|(schedule|set up|book) a (phone )?call|"
    r"agenda(r|me)? una llamada)\b")
NOT_CALLED = re.compile(r"\b(no|don t|dont|do not|never|stop|quit|nunca|dejen de|deje de|ni)\s+(me\s+)?"
                        r"(call|calling|ring|llam\w*)")


def callback_asked(folded: str) -> bool:
    return bool(CALLBACK_ASKED.search(folded)) and not NOT_CALLED.search(folded)


def _person(r: Reading) -> Act | None:
    """R15: a person asked for, not merely mentioned ("someone keeps calling me"); a call back
    from one is the callback's request."""
    if not (_has(r.padded, PERSON) or PERSON_VERBS.search(r.folded)) or callback_asked(r.folded):
        return None
    if not PERSON_MENTIONED.search(r.folded) or STAFF.search(r.folded) and not BLOCK_VERB.search(r.folded):
        return Act("person", how="person")
    return None


# What a forgotten PIN is not: another service's password ("reset my instagram password"), a phone
# lost or stolen (the code can't reach it: the lost phone's answer and a person, R15).
NOT_OUR_PIN = re.compile(r"\b(instagram|facebook|gmail|google|email|e mail|correo|apple id|icloud|wifi|wi fi|netflix|"
                         r"whatsapp|bank|banco|stolen|stole|robaron|robo|robado|lost my phone|perdi (el|mi) "
                         r"(telefono|celular|cel|movil))\b")


def _forgot_pin(r: Reading) -> Act | None:
    """R21: a forgotten PIN, anywhere; at the PIN or the code prompt also "I forgot" alone."""
    if NOT_OUR_PIN.search(r.folded):
        return None
    if FORGOT.search(r.folded) or (r.step in ("pin", "code") and FORGOT_AT_PIN.match(r.folded)) or (
            r.step == "code" and CODE_AGAIN.search(r.folded) and not CODE_NOT_AGAIN.search(r.folded)
            and not any(ch.isdigit() for ch in r.raw)):
        return Act("forgot_pin", how="forgot")
    return None


def _switch_language(r: Reading) -> Act | None:
    """R20: a language asked for ("en español", "English please") or refused ("no hablo inglés")."""
    if len(r.words) > 12 or not _has(r.padded, ANY_LANGUAGE_NAME):
        return None
    if SWITCH.search(r.folded) or (len(r.words) <= 9 and not _has(r.padded, NOT_A_SWITCH)):
        return Act("switch_language", _switch_target(r.folded, r.padded), how="switch")
    return None


# 4. the short answers
# Goodbye words that say something else: "the entire number, i'm done with it" (finished with a
# thing), "nada más el de grabación" ("just the recording one").
NOT_GOODBYE = re.compile(r"\b(i m|im|i am) done with\b|\bnada mas (el|la|lo|los|las|que|un|una|de|del|quiero|"
                         r"necesito|para|cancela\w*|quita\w*)\b")


def _goodbye(r: Reading) -> Act | None:
    """Goodbye, which wins over thanks and over a "no" said with it."""
    if not _has(r.padded, GOODBYE) or NOT_GOODBYE.search(r.folded):
        return None
    rest = _strip_phrases(_strip_phrases(r.padded, GOODBYE), THANKS).split()
    if _only(rest, SAID_WITH_GOODBYE) or (r.plain and len(r.words) <= 16):
        return Act("goodbye", how="goodbye")
    return None


def _hesitation(r: Reading) -> Act | None:
    """R18: a hesitation or a correction ("wait", "actually", "mejor no") ends the request at once;
    at the greeting a new request may follow a weak one ("actually, I want a new number")."""
    if r.folded in HESITATE_ALONE:
        return Act("hesitation", how="hesitation")  # "momento", "a sec": only as the whole turn ("after a minute")
    if not _has(r.padded, HESITATE) or r.declines_offer or _plain_no(r) or _asks_if_kept(r) \
            or CARRIER_NAMED.search(r.folded) or (r.step == "command" and SHOW_ME.match(r.folded)):
        return None  # "i'm switching to t-mobile and i want to keep my number": the port (R25), no hesitation
    rest = _strip_phrases(r.padded, HESITATE).strip()
    if _only(rest.split(), SAID_WITH_GOODBYE) or (
            r.step in IN_PROGRESS and (_has(r.padded, STRONG_HESITATE) or not _asks_after(rest, r.raw))) or (
            r.step == "command" and not _asks_after(rest, r.raw) and len(rest.split()) <= 6
            and not _has(f" {rest} ", ACTION_WORDS) and not STATEMENT.match(rest) and not REPORT.search(rest)):
        # at the greeting, "wait, let me check something first" asks and tells nothing yet
        return Act("hesitation", how="hesitation")
    return None


# With nothing in progress, "let me see my plans", "déjame ver mis planes" ask to be shown something
# (at a step, "let me check my notes" waits on).
SHOW_ME = re.compile(r"^(let me|lemme|dejame|dejeme|deja) (see|check|look at|ver|checar|revisar|mirar) (my|mis|mi|the|el|"
                     r"la|los|las|what|when|que|cuando|cuales|cual)\b")


# Another carrier named: keeping the number there is a port (R25), whatever hesitation words it holds.
CARRIER_NAMED = re.compile(r"\b(port|porting|port out|another carrier|other carrier|new carrier|another provider|"
                           r"verizon|t mobile|tmobile|at t|sprint|mint mobile|cricket|google voice|metro pcs|"
                           r"boost mobile|telcel|movistar|liberty|portar|portabilidad|otra compania|otro operador)\b")
# Keeping asked about, not asked for: "if I cancel the plan do I keep my number?", "can I keep it
# until the end of the month?", "¿puedo conservar mi número?" (a question, R24; never a hesitation).
KEEPING_HESITATE = ("keep it", "keep my", "i want to keep", "i wanna keep", "quiero conservar", "quiero mantener",
                    "quiero quedarme con", "conservar mi", "mantener mi", "change my mind", "changed my mind")
KEEP_ASKED = re.compile(r"\b(do|does|can|could|will|would|should|did|may|might|if) (i|we|they|you|it|my \w+) "
                        r"(still |get to |be able to |undo it later if i |unblock them later if i )?"
                        r"(keep|change my mind)\b|\b(puedo|podre|podria|podemos|me dejan|se puede) "
                        r"(seguir |todavia )?(conservar|mantener|quedarme con)\b")


def _asks_if_kept(r: Reading) -> bool:
    others = tuple(h for h in HESITATE if h not in KEEPING_HESITATE)
    return bool(KEEP_ASKED.search(r.folded)) and not _has(r.padded, others)


# A hesitation that only asks for time ("give me a sec", "let me find my PIN", "déjame ver dónde
# lo apunté"): while a step waits for something to be looked up, it waits on; words that
# withdraw ("never mind", "forget it", "mejor no", a no) end the request as any hesitation does.
WAITING = ("wait", "wait wait", "hold on", "hang on", "one moment", "one sec", "one second", "a sec", "a second",
           "a minute", "a moment", "just a moment", "just a sec", "hold up", "wait a minute", "wait a sec",
           "wait a second", "gimme a sec", "gimme a min", "gimme a minute", "gimme a second", "un seg",
           "give me a sec", "give me a second", "give me a minute", "give me a moment",
           "let me see", "let me check", "let me find", "let me look", "let me ask", "espera", "esperame",
           "espereme", "espere", "esperen", "esperate", "un momento", "un segundo", "un minuto", "momento",
           "dejame ver", "dejeme ver", "dejame checar", "dejeme checar", "perate", "perame", "aguarde", "aguarda",
           "aguanta", "deja veo", "deja ver", "deja checo", "un segundito", "un momentito", "hmm wait")
WITHDRAWING = tuple(h for h in HESITATE if h not in WAITING)


def only_waits(text: str) -> bool:
    """Whether a hesitation asks for nothing but time (``WAITING``)."""
    r = Reading.of(text, languages.DEFAULT_CODE, "sms", "pin")
    return bool(r.words) and _has(r.padded, WAITING) and not _has(r.padded, WITHDRAWING) and \
        r.words[0] not in NO and not _has(r.padded, NO_PHRASES)


def _asks_after(rest: str, raw: str) -> bool:
    """Whether what follows a hesitation asks for or about something."""
    body = LEAD.sub("", rest + " ").strip()
    return bool(body) and bool(REQUEST_CUES.search(body) or _imperative(body) or "?" in raw
                               or Q_START.match(body))


def _spoken_stop(r: Reading) -> Act | None:
    """R11: on the phone "cancel" skips the question or the offer; at a confirmation it ends the request."""
    if r.channel == "voice" and r.step in IN_PROGRESS and r.folded in SPOKEN_STOP:
        return Act("hesitation" if r.step == "confirm" else "no", how="spoken_stop")
    return None


def _yes(r: Reading) -> Act | None:
    """R18: an explicit yes."""
    return Act("yes", how="yes") if _is_yes(r.raw, r.words) else None


def _accept(r: Reading) -> Act | None:
    """R11: the offered fix taken ("ok", "sure", "dale", "fix it", "let's try that", "arréglalo")."""
    if r.step == "offer" and (r.folded in ACCEPT or _only(r.words, ACCEPT | COURTESY) and _has(r.padded, ACCEPT)
                              or TAKE_FIX.match(r.folded)):
        return Act("yes", how="accept")
    return None


# The offered fix asked for in words (R11): "fix it", "sure, let's try", "show me how", "arréglalo".
TAKE_FIX = re.compile(r"^(yes|yeah|yep|sure|ok|okay|alright|all right|fine|please|si|claro|dale|va|bueno|vale|"
                      r"de acuerdo|sure thing)?( |, )*(i ll |i will |let s |lets |let me |please |quiero |vamos a |"
                      r"voy a )?(fix( it| that| this| it please)?|try( it| that| this)?( first)?|give it a (try|shot|go)|"
                      r"show me( how)?|do (the|that) fix|arreglalo|arreglarlo|arreglar( eso)?|intentalo|intentarlo|"
                      r"intentar( eso)?|probar( eso)?|pruebo|lo pruebo|lo intento|muestrame( como)?|ensename( como)?)"
                      r"( please| por favor| first| primero| thanks| gracias)?$")


def _plain_no(r: Reading) -> bool:
    """A no said with nothing but what keeps it one: "mejor no", "no, keep my number", "nope not
    doing that" (a no, though its words may also hesitate)."""
    if not r.words or not (r.words[0] in NO or r.folded in NO_PHRASES):
        return False
    rest = r.words[1:] if r.words[0] in NO else []
    keeps = bool(KEEPING & set(rest)) and r.step not in ("reason", "offer")  # there a keeping no ends it (R18)
    return _only(rest, NO_REST) or r.folded in NO_PHRASES or keeps


def _no(r: Reading) -> Act | None:
    """A no ("no", "no thanks", "not now"); at a confirmation "no, the plan, not the line" is a correction."""
    if not (r.words[0] in NO or r.folded in NO_PHRASES):
        return None
    rest = r.words[1:] if r.words[0] in NO else []
    if _plain_no(r):
        if r.step == "command" and _has(r.padded, THANKS):
            return Act("thanks", how="no_thanks")
        return Act("no", how="no")
    if r.step == "confirm":
        return Act("hesitation", how="correction")
    if r.step in ("offer", "reason") and JUST_CANCEL.search(" ".join(rest)) and "?" not in r.raw \
            and not (NOT_CANCELLING_AFTER_NO.match(" ".join(rest)) or NOT_CANCELLING.search(" ".join(rest))):
        return Act("request", how="go_on_cancelling")  # "no, just cancel the line": R11 skipped, the request goes on
    if r.step == "offer" and not ("?" in r.raw or REQUEST_CUES.search(" ".join(rest))):
        return Act("no", how="declined")
    return None


def _thanks(r: Reading) -> Act | None:
    """Thanks, with filler only or in a short plain turn that neither tells nor asks for anything."""
    if not _has(r.padded, THANKS):
        return None
    rest = _strip_phrases(r.padded, THANKS)
    if _only(rest.split(), FILLER) or (r.plain and len(r.words) <= 12 and not STATEMENT.match(r.unled)
                                       and not IMPERATIVE.match(rest.strip())):
        return Act("thanks", how="thanks")
    return None


def _greeting(r: Reading) -> Act | None:
    """A greeting ("hi", "hola, ¿cómo está?") or an introduction ("hi, this is Ana")."""
    if INTRODUCTION.match(r.folded) or _has(r.padded, GREETING) and _greets_only(r):
        return Act("greeting", how="greeting")
    return None


def _greets_only(r: Reading) -> bool:
    """Greeting words only, or a short plain turn opening with them that asks, tells and names nothing."""
    if _only(r.words, GREET_FILLER) and len(r.words) <= 6:
        return True
    rest = _strip_phrases(r.padded, GREETING).split()
    if len(r.words) <= 9 and _only(rest, GREET_FILLER | {"doing", "today", "there", "guys", "everyone", "hoy"}):
        return True  # "hi there how are you doing today"
    return (r.words[0] in GREET_FILLER and len(r.words) <= 8 and r.plain and not IMPERATIVE.match(r.body)
            and not STATEMENT.match(r.body) and not Q_START.match(r.body) and not _has(r.padded, ACTION_WORDS))


def _dont_know(r: Reading) -> Act | None:
    """"I don't know": what it means is the step's (vocabulary/interpret.py's DONT_KNOW: at the
    PIN or the code a forgotten PIN, R21; at a confirmation no yes, R18)."""
    if not (r.folded in DONT_KNOW or _has(r.padded, DONT_KNOW) and _unsure_only(r)):
        return None
    return Act("dont_know", how="dont_know_pin" if r.step in ("pin", "code") else "dont_know")


def _unsure_only(r: Reading) -> bool:
    """"I don't know" with filler only, or opening a short turn that asks nothing."""
    if _only(_strip_phrases(r.padded, DONT_KNOW).split(), FILLER):
        return True
    return (any(r.body.startswith(p + " ") or r.body == p for p in DONT_KNOW) and len(r.words) <= 10
            and not REQUEST_CUES.search(r.folded) and "?" not in r.raw and not WONDERING.search(r.folded))


def _noise(r: Reading) -> Act | None:
    """"huh?", "hmm", a vague "ok" (but at the offer "ok" takes it)."""
    if NOISE.match(r.folded) or (_only(r.words, VAGUE) and r.step != "offer"):
        return Act("unclear", how="noise")
    return None


# 5. the step's answer
def _step_answer(r: Reading) -> Act | None:
    """The answer to what the step asked (a PIN, a code, a line, a number, a plan, a choice);
    never a number given with another change asked for ("actually unblock 917…" at "which number
    should we block?", "I just want to block 917…" at the PIN prompt): that is a new request."""
    if r.step in ("pin", "code", "target", "block_number") and _asks_another_change(r):
        return None
    answer = _answer(r.raw, r.lang, r.step, r.words)
    return Act("answer", answer=answer, how="answer") if answer else None


# A change asked for outright at the start of a part of the message: "actually unblock 917…",
# "i just need to block three one two…", "mejor desbloquea el 305…", "can you unblock…".
CHANGE_ASKED = re.compile(
    r"^(?:(?:actually|just|please|pls|mejor|oye|no|wait|so|ok|okay|solo|nomas|nada mas|primero|mientras tanto|"
    r"pues|este|i)\s+)*(?:(?:want|wanna|need|would like|d like) to |quiero |necesito |(?:can|could) you (?:please )?|"
    r"(?:me )?(?:puedes|puede|pueden) )?"
    r"(block|unblock|un block|cancel|change|switch|reactivate|port|bloquea\w*|bloquear|bloqueen\w*|"
    r"desbloque\w*|cancela\w*|cancelen\w*|cambia\w*|cambien\w*|reactiva\w*|porta\w*)\b")


def asks_another_change(text: str, lang: str, step: str) -> bool:
    """Whether words at a data step ask for a change outright (``CHANGE_ASKED``): a new request,
    whatever digits they hold."""
    return step in ("pin", "code", "target", "block_number") and _asks_another_change(Reading.of(text, lang, "sms", step))


def _asks_another_change(r: Reading) -> bool:
    """The verb first (a regular expression), the digits read only when a change is asked."""
    if not any(_another_change_verb(r.step, body) for body in [LEAD.sub("", r.folded + " ").strip()]
               + _clause_bodies(r.raw)):
        return False
    if r.step != "block_number" and "phone" not in slot_reader.slots(r.raw, r.lang, "command"):
        return False  # "cancel my line, 1357" at the PIN prompt, "cancel 0011" at "which line?": the answer
    if r.step in ("pin", "code") and {"pin", "code"} & slot_reader.slots(r.raw, r.lang, r.step).keys():
        return False  # "block 917…, my pin is 1357": the PIN answered, the number kept by the request
    return True


def _another_change_verb(step: str, body: str) -> bool:
    m = CHANGE_ASKED.match(body)
    if m is None:
        return False
    verb = m.group(1)
    if step == "block_number":
        return not verb.startswith(("block", "bloque"))  # "block 212 555 0143" there is the answer
    # elsewhere only a block or an unblock: "cancel line 555 010 0003" at the PIN prompt is the line's
    # own number (R8), restated
    return verb.startswith(("block", "bloque", "unblock", "un block", "desbloque"))


# 6. a question, a statement, a request (``form``), as the step takes them
def _confirm_other(r: Reading) -> Act | None:
    """R18: at a confirmation anything but an outright request confirms nothing."""
    if r.step == "confirm" and r.kind == "request" and not REQUEST_CUES.search(r.folded) \
            and not IMPERATIVE.match(r.folded):
        return Act("unclear", how="confirm_other")
    return None


def _worded_reason(r: Reading) -> Act | None:
    """At R11's why or fix, words are the answer, unless they skip it ("just cancel it")."""
    if r.step not in ("reason", "fix") or r.kind == "question":
        return None
    if r.kind == "request" and JUST_CANCEL.search(r.folded) and not _has(r.padded, ("i don t like", "no me gusta")):
        return Act("request", how="skip_to_request")
    return Act("answer", how="worded_answer")


def _target_words(r: Reading) -> Act | None:
    """A line named in a few words at an admin's choice of line ("Maria's")."""
    if r.step == "target" and r.kind != "question" and len(r.words) <= 6 and not REQUEST_CUES.search(r.folded) \
            and not IMPERATIVE.match(r.folded):
        return Act("answer", answer="line", how="target_words")
    return None


def _which_object(r: Reading) -> Act | None:
    """One plan or the whole line, named at the clarifying question ("the whole line")."""
    if r.step == "which" and r.kind != "question" and WHICH_OBJECT.search(r.folded):
        return Act("answer", answer="choice", how="which_object")
    return None


def _no_words(r: Reading) -> Act | None:
    """No letters at all (digits or signs no step asked for)."""
    return None if any(ch.isalpha() for ch in r.folded) else Act("unclear", how="no_words")


def _offer_other(r: Reading) -> Act | None:
    """At the offer, a request of a word or two is no answer to it."""
    return Act("unclear", how="offer_other") if r.step == "offer" and r.kind == "request" and len(r.words) <= 2 \
        else None


def _free_words(r: Reading) -> Act:
    """A question, a statement or a request, with the reading that decided it (a statement that
    says outright it asks for nothing, a request in other words: the act model keeps them)."""
    kind, how = r.form
    return Act(kind, how=how)


STAGES = (
    _empty, _reaction, _opt_out,  # 1
    _keys,  # 2
    _person, _forgot_pin, _switch_language,  # 3
    _goodbye, _hesitation, _spoken_stop, _yes, _accept, _no, _thanks, _greeting, _dont_know,
    _noise,  # 4
    _step_answer,  # 5
    _confirm_other, _worded_reason, _target_words, _which_object, _no_words, _offer_other, _free_words,  # 6
)


@lru_cache(maxsize=256)
def _read(text: str, lang: str, channel: str, step: str) -> Act:
    """The first act a stage finds (the module's docstring gives the order and why)."""
    reading = Reading.of(text, lang, channel, step)
    for stage in STAGES:
        act = stage(reading)
        if act is not None:
            return act
    raise AssertionError("the last stage always decides")  # pragma: no cover


def _switch_target(folded: str, padded: str) -> str:
    """The language asked for: the other one when a language is refused ("no hablo inglés"), else
    the one named, else the one named after "in" / "speak"."""
    refused = SPEAK_NOT.search(folded)
    if refused:
        said = refused.group(0)
        after = folded[refused.end():].split()[:1]
        target = (after[0] if after else "") if said.startswith(("no hablo", "no entiendo", "no se", "no speak",
                                                                  "i don", "i dont", "i do not", "i can",
                                                                  "i cant", "don t", "dont", "no comprendo",
                                                                  "no hablamos")) else said.split()[-1]
        refused_code = _named(target)
        if refused_code:
            return languages.next_after(refused_code)
    named = [code for code, names in LANGUAGE_NAMES.items() if _has(padded, names)]
    if len(named) == 1:
        return named[0]
    asked = ASKED_IN.search(folded)
    return (_named(asked.group(2)) if asked else None) or languages.DEFAULT_CODE


def _named(word: str) -> str | None:
    """The language this word names ("ingles", "spanish"), if any."""
    return next((code for code, names in LANGUAGE_NAMES.items() if word in names), None)


def _is_yes(raw: str, words: list[str]) -> bool:
    """R18: yes / confirm / sí, alone or with courtesy words only ("yes please", "sí, está bien")."""
    if not any(w in YES for w in words):
        return False
    if words[0] == "si" and len(words) > 1 and not raw.lower().lstrip("¡¿ \"'").startswith("sí") and \
            "," not in raw[:4] and words[1] not in COURTESY | YES:
        return False  # "si cancelo …": an "if", not a yes
    if "?" in raw or (NEGATED_YES & set(words) and not _has(" " + " ".join(words) + " ", ("no problem", "sin problema"))):
        return False  # "confirmed?", "sí, no entiendo", "yes ma'am, no": no explicit yes (R18)
    return _only(words, YES | COURTESY) and not (words[0] == "no" or "not" in words or "no" in words[:1])


ANSWER_STEPS = ("pin", "code", "target", "plan", "block_number", "which", "fix", "reason")
MY_LINE = re.compile(r"\b(mine|my own|my line|my number|la mia|el mio|mi linea|mi numero)\b")


def _answer_pin(raw, lang, found, words):
    return ("pin" if "pin" in found else "number") if ("pin" in found or "phone" in found) else None


def _answer_code(raw, lang, found, words):
    return "code" if "code" in found or "pin" in slot_reader.slots(raw, lang, "pin") else None


def _answer_target(raw, lang, found, words):
    # "mine", "my line": the verified line itself, in a few words ("my number got suspended because…" tells)
    return "line" if {"last4", "name", "phone"} & found.keys() or (MY_LINE.search(fold(raw)) and len(words) <= 4) \
        else None


def _answer_block_number(raw, lang, found, words):
    digits = "".join(ch for ch in raw if ch.isdigit())
    return "number" if "phone" in found or (3 <= len(digits) <= 15 and len(words) <= 4) else None


def _answer_plan(raw, lang, found, words):
    if "plan" not in found or len(words) > 8:
        return None
    body = " ".join(words)
    if PAST_MINE.search(raw.lower()) or NOT_A_REQUEST.search(body):
        return None  # "i cancelled call recording last month": a plan told of, not chosen
    return "plan"


_ANSWERS = {"pin": _answer_pin, "code": _answer_code, "target": _answer_target, "block_number": _answer_block_number,
            "plan": _answer_plan}


def _answer(raw: str, lang: str, step: str, words: list[str]) -> str | None:
    """Which answer to the step's question the words are, if they are one."""
    if step not in ANSWER_STEPS:
        return None
    found = slot_reader.slots(raw, lang, step)
    own = _ANSWERS.get(step)
    got = own(raw, lang, found, words) if own is not None else None
    return got or ("choice" if "choice" in found else None)


# form(): whether free words ask, ask for or tell, in stages (the earlier ones win) ------------------
POLITE_NOT = re.compile(r"\b(if|and keep|but keep|still|without|anytime|any time|online|whenever|later|si|"
                        r"y (quedarme|mantener|conservar)|sin|pero (mantener|conservar|quedarme)|cuando quiera|"
                        r"despues|en linea)\b")
ASKING = re.compile(
    r"\b(what happens|que pasa|que sucede|how (do|can|would|should|could) i|how to|"
    r"como (puedo|hago|se|cancelo|cambio|bloqueo|le hago)|i want to know|i wanna know|i need to know|"
    r"i d like to know|id like to know|wanted to (ask|know)|want to ask|quiero saber|queria saber|"
    r"just want(ed)? to know|(i was|i m|im) (just )?asking (if|whether|about|how|what|when|why)|"
    r"(trying|want|wanted) to understand|estaba preguntando (si|por|como|que|cuando)|"
    r"(solo|nomas|nada mas) (preguntaba|pregunto) (si|por|como|cuando)|(solo|nomas|nada mas) quiero saber|"
    r"quiero entender|queria entender|(me |nos )?(puede|puedes|pueden|podria|podrias|podrian) explicar|"
    r"quisiera saber|me gustaria saber|necesito saber|quisiera preguntar|queria preguntar|"
    r"tengo una (duda|pregunta)|una duda|wondering|me pregunto|is it true|es verdad|tell me|"
    r"explain|explicame|expliqueme|me explicas|me explica|para que sirve|what about|how about|"
    r"any idea|info (on|about)|information (on|about)|informacion (sobre|de)|not sure (if|whether)|"
    r"don t know (if|whether)|dont know (if|whether)|no se si|figure out|curious|have a question|"
    r"got a question|a question|saber si|consulta|quiero preguntar|quisiera saber|"
    r"not sure (how|what|when|why|which)|don t know (how|what|when|why|which)|dont know (how|what|when|which)|"
    r"my question|no se (como|cuando|que pasa|si)|no entiendo (como|cuando|que)|es posible|is it possible|"
    r"mi pregunta)\b")
HELP_WANTED = re.compile(r"\b(help|ayuda|ayudame|ayudenme|please|por favor)\b")
# A plea after a report ("…, fix it", "…, make it stop", "…, haz algo"): the fix is asked for.
_PLEA_WORDS = (r"(help|help me|ayuda|ayudame|ayudenme|ayudeme|auxilio|fix (it|this|that|them)|fix|please fix|"
               r"sort (it|this) out|make (it|them|this) stop|do something|need (this|it) fixed|undo (it|that|this)|"
               r"put it back|get (it|them) back|protect my account|haz algo|hagan algo|arregl\w*|paral[oa]s?|"
               r"parenl[oa]s?|q(ue)? nadie lo use|necesito ayuda|que (lo|la) (arreglen|paren)|resuelvan\w*|"
               r"solucion\w+)")
PLEA = re.compile(r"^(?:(?:please|pls|plz|porfa|por favor|just|solo|ya)\s+)*" + _PLEA_WORDS + r"\b")
PLEA_TAIL = re.compile(r"\b" + _PLEA_WORDS + r"( (please|pls|porfa|por favor|ya|now|asap|today|right now|already))*$")
# Help or a fix told of, not asked for ("that didn't help", "nothing fixes it").
UNHELPED = re.compile(r"\b(didn t|doesn t|don t|won t|wouldn t|isn t|not|never|nothing|no|nada|ni)\s+(really\s+)?"
                      r"(help|helps|helped|fix|fixes|fixed|ayuda|ayudo|arregla|arreglo)\b")


def _imperative(body: str) -> bool:
    return bool(IMPERATIVE.match(body)) and not re.match(IMPERATIVE_NOUNS, body)


def _clause_bodies(raw: str) -> list[str]:
    return [LEAD.sub("", fold(part) + " ").strip() for part in CLAUSES.split(raw)[1:]]


def _form_opening(raw: str, body: str) -> tuple[str, str | None]:
    """"sí, …" (a yes, then the rest) and "si cancelo …" (an if: a hypothetical, R24)."""
    if re.match(r"^\W*s[ií]\s*[,.!]", raw) or raw.lstrip("¡¿ \"'").lower().startswith("sí"):
        return (body[3:] if body.startswith("si ") else body), None
    if body.startswith(("si ", "if ")) and "?" not in raw and "¿" not in raw and _musing(body):
        return body, "statement"  # "if i deleted the number i'd lose all my clients": a hypothetical told
    if body.startswith("si ") and len(body.split()) > 2:
        return body, "question"
    return body, None


# A hypothetical that tells rather than asks: a conditional's own consequence, no question in it.
MUSING = re.compile(r"\b(i d|i would|i ll|it d|it would|they d|people would|i might|i probably|i won t|"
                    r"it ll be|would be|would get|would have|\w+ria|\w+rian|\w+riamos|seria|me ahorraria)\b")
ASKS_INVERTED = re.compile(r"\b(do|does|did|will|would|can|could|should|is|are|am|what|how|when|where|which|who|"
                           r"whats)\s+(i|you|it|my|the|they|we|that|there|happens|y all)\b|"
                           r"\b(que pasa|que sucede|me (devuelven|regresan|cobran|quedo)|pierdo|puedo)\b")


SUBJUNCTIVE_IF = re.compile(r"^si (me |lo |la |le |les |nos )?\w+(ara|iera|aran|ieran|ase|iese)\b")


def _musing(body: str) -> bool:
    """"if I dropped the recording I'd save…", "si cerrara la cuenta perdería…" (a Spanish "si" with
    the indicative, "si cancelo la línea perdería mi número", is asked as often as told: a question)."""
    if body.startswith("si ") and not SUBJUNCTIVE_IF.match(body):
        return False
    return bool(MUSING.search(body)) and not ASKS_INVERTED.search(body)


def _form_asked_for(raw: str, body: str) -> str | None:
    """A request in a question's clothes ("can you cancel my line?")."""
    if REQUEST_IN_QUESTION.match(body) or (POLITE_REQUEST.match(body) and not POLITE_NOT.search(body)):
        return "request"
    if not Q_START.match(body) and any(REQUEST_IN_QUESTION.match(c) for c in _clause_bodies(raw)):
        return "request"  # "I lost my phone, can you suspend the line"
    return None


NOT_ASKING = re.compile(r"\b(no|ni) (quiero|quisiera|necesito) saber\b|\bdon t (want|need) to know\b")


def _form_question(raw: str, body: str, asked: bool) -> str | None:
    if TAG.search(raw.lower()) and "?" in raw or TAIL_QUESTION.search(body):
        return "question"
    if Q_START.match(body):
        if re.match(r"^(que|como) (quiero|necesito)\b", body):
            return "request"
        if body.startswith(("tengo ", "tiene ", "tienen ")) and not asked and not re.match(
                r"^tengo (una|otra|unas) (duda|pregunta|consulta)", body):
            return "statement"
        return "request" if body.startswith("have ") and not asked else "question"
    if not asked and _imperative(body) and ACTION.match(body):
        return None  # "cancel call recording and tell me what plans are left": asked for first, then asked
    if asked or (ASKING.search(body) and not NOT_ASKING.search(body)):
        return "question"
    if INFO_NOUNS.search(body) and len(body.split()) <= 5 and not _imperative(body):
        return "question"  # "refund policy", "plan end date": information asked for in a few words
    return None


def _asked_after(raw: str) -> bool:
    """A later part of the message asks for a change outright ("…, unblock her")."""
    return any(_imperative(c) and ACTION.match(c) for c in _clause_bodies(raw))


def _asked_around(raw: str) -> bool:
    """A change asked for beside the talk of one: after it ("…, unblock her"), or first ("UNBLOCK
    my mom, i blocked her by accident")."""
    first = LEAD.sub("", fold(CLAUSES.split(raw)[0]) + " ").strip()
    return _asked_after(raw) or bool(_imperative(first) and ACTION.match(first) and not NOT_A_REQUEST.search(first))


# A past change's undoing asked for beside the talk of it ("… by mistake, undo it", "please unblock
# her", "put it back how it was", "la quiero desbloquear", "recupérenme la línea", "anulen la
# cancelación"): present forms only ("I unblocked her" tells).
UNDO_ASKED = re.compile(
    r"\b(undo (it|that|this|the \w+)|unblock (her|him|them|it|my \w+|this|that)|put (it|them) back|"
    r"restore (it|them|my \w+|the \w+)|need (it|them) restored|reverse (it|that|the \w+)|"
    r"turn (\w+ ){1,3}back on|(want|need) (it|them|her|him|my \w+) back|"
    r"bring (it|them) back|get (it|them) back|let (this|that|the|my) (number|\w+) call me again|"
    r"desbloqueal[oa]|desbloquealos|desbloqueen\w*|quiero desbloquear\w*|(la|lo) quiero (desbloquear|recuperar|"
    r"de vuelta|otra vez)|quiero recuperar\w*|recuperen\w*|vuelvan\w* a poner|devuelvanme|devuelveme|quiero deshacer\w*|deshazl[oa]|deshaganl[oa]|pongan\w* (de nuevo|"
    r"otra vez)|anulen|quiten la cancelacion)\b")
UNDO_REFUSED = re.compile(r"\b(don t|dont|do not|no|never|not|ni) (want to |wanna |need to |quiero )?"
                          r"(undo|unblock|restore|reverse|desbloque\w*|recuper\w*|anul\w*)")


# An undoing wished, weighed or someone else's ("i may unblock my brother eventually", "wish i could
# unblock…", "my wife wants to unblock her sister's number"): told, not asked.
UNDO_HEDGED = re.compile(r"\b(may|might|could|would|wish|maybe|perhaps|someday|eventually|thinking|if|wants to|"
                         r"not sure|no estoy segur[oa]|no se si|"
                         r"wanted to|tried to|trying to|ojala|quizas|quiza|tal vez|a lo mejor|si|quiere|quieren)\b")


def _undo_asked(body: str) -> bool:
    return bool(UNDO_ASKED.search(body)) and not UNDO_REFUSED.search(body) and not UNDO_HEDGED.search(body)


def _pleads(raw: str, body: str) -> bool:
    """Help asked for ("…, help", "…, fix it", "…, make it stop")."""
    return bool(HELP_WANTED.search(body) or PLEA_TAIL.search(body)) or any(PLEA.match(c) for c in _clause_bodies(raw))


TALK_OF_A_CHANGE = "not_a_request"  # form_read's reading of a past, someone else's or hypothetical change


def _form_told(raw: str, folded: str, body: str) -> tuple[str, str]:
    """A report or a request (what is left once no question was found), and why."""
    if _undo_asked(body):
        return "request", "undo_asked"  # "i cancelled my line by mistake undo it": the undoing asked for
    if NOT_A_REQUEST.search(body) or PAST_MINE.search(raw.lower()):
        # "my mom is blocked by mistake, unblock her"; else a past doing, someone else's, a wish
        return ("request", "request") if _asked_around(raw) else ("statement", TALK_OF_A_CHANGE)
    if INDIRECT_REQUEST.search(body):
        return "request", "asked_for"  # "I don't need this line anymore": a change asked for in other words
    if LAUGH.search(folded) and not REQUEST_CUES.search(body) and not _imperative(body):
        return "statement", "statement"  # "jaja mejor cancelo todo": a joke, no request
    reported = STATEMENT.match(body) or REPORT.search(body)
    if reported and _pleads(raw, body):
        return "request", "plea"  # "my calls keep dropping, help", "I was charged twice, fix it": a report
        # made to get it fixed is a request for the fix (the schema's convention)
    if PLEA_TAIL.search(body) and not UNHELPED.search(body):
        return "request", "plea"  # "texts not coming thru!!! fix it", "call quality is terrible… sort it out"
    if REQUEST_CUES.search(body) or _imperative(body) or _asked_after(raw):
        # "block 212 555 0143, they keep calling me": the verb comes first; "someone keeps calling me, block them"
        return "request", "request"
    if reported or len(body.split()) >= 6:
        return "statement", "statement"
    return "request", "request"


def form_read(raw: str, folded: str | None = None) -> tuple[str, str]:
    """``form`` and which reading decided it: ``asked_for`` (a request in a question's clothes, or
    in other words: R24 keeps it one), ``not_a_request`` (a past doing, someone else's, a wish),
    else the form itself."""
    folded = fold(raw) if folded is None else folded
    body, verdict = _form_opening(raw, LEAD.sub("", folded + " ").strip() or folded)
    if verdict:
        return verdict, verdict
    if _form_asked_for(raw, body):
        return "request", "asked_for"
    asked = _form_question(raw, body, "?" in raw or "¿" in raw)
    return (asked, asked) if asked else _form_told(raw, folded, body)


def form(raw: str, folded: str | None = None) -> str:
    """Whether free words ask something (question), ask for something (request) or tell
    something (statement) — R24: only a request starts a change."""
    return form_read(raw, folded)[0]


def asks_of_its_own(clause: str) -> bool:
    """Whether a part of a message asks for or about something by itself ("also block 555-0142"),
    rather than adding an object to the first part ("… and the call recording")."""
    body = LEAD.sub("", fold(clause) + " ").strip()
    return bool(body) and bool((IMPERATIVE.match(body) and not re.match(IMPERATIVE_NOUNS, body))
                               or REQUEST_CUES.search(body) or Q_START.match(body) or "?" in clause)


LEARNT = True  # the act model (vocabulary/act_model.py) stacked on the rules; False: the rules alone


def rules_act(text: str | None, lang: str = languages.DEFAULT_CODE, channel: str = "sms",
              step: str = "command") -> Act:
    """The rules' act alone (the act model's input)."""
    return _read((text or "")[:MAX_CHARS], lang or languages.DEFAULT_CODE, channel or "sms", step or "command")


@lru_cache(maxsize=256)
def _decided(text: str, lang: str, channel: str, step: str) -> Act:
    from vocabulary import act_model

    return act_model.decide(text, lang, channel, step, _read(text, lang, channel, step))


def act_of(text: str | None, lang: str = languages.DEFAULT_CODE, channel: str = "sms", step: str = "command") -> Act:
    """The act of one turn (see the module's docstring): the rules, and the act model where it is sure."""
    args = ((text or "")[:MAX_CHARS], lang or languages.DEFAULT_CODE, channel or "sms", step or "command")
    return _decided(*args) if LEARNT else _read(*args)
