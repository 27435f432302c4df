"""The phrases a call in Spanish tells Twilio's recogniser to expect at each step (<Gather hints>):
the menus' own words first, then what people say instead (vocabulary/understand.py reads it)."""

HINTS = {
    "target": "la que termina en, la de, agente",
    "confirm": "sí, no, confirmo, agente",
    "reason": "cancelar, omitir, llamadas, timbre, mensajes, número, spam, agente",
    "offer": "sí, cancelar, omitir, agente",
    "fix": ("llamadas, reactivar, timbre, cambiar número, spam, agente, se cortan las llamadas, mi "
        "teléfono no suena, no me llegan los mensajes, llamadas de spam, no me gusta mi número"),
    "plan": "text archive, call recording, el primero, agente",
    "which": "uno, dos, el primero, el segundo, el plan, toda la línea, sí, agente",
    "next": ("sí, no, menú, adiós, nada más, eso es todo, no gracias, agente, cancelar, reembolso, "
        "problema, número"),
    "steps": "sí, no, envíamelos, agente",
    "menu": ("cancelar, cancelar plan, cancelar línea, reembolso, problema, reactivar, cambiar número, "
        "bloquear, agente, repetir, inglés, plan, línea, complemento, cancelar mi línea, cancelar "
        "mi plan, quiero mi dinero, qué planes tengo, mi teléfono no suena, se cortan las llamadas,"
        " llamadas de spam, reactivar mi número, un número nuevo, desbloquear un número, hablar con"
        " una persona, número, otras cosas"),
}
