""""Undo my cancellation" (R3, told truly): a line's cancellation can't be undone by anyone;
it works until its term end, then the number is released. A plan cancelled on its own keeps
working to its term end and may be bought again in the app. A person for the rest (R15)."""

from __future__ import annotations

from core.journeys._facts import answer
from core.journeys.cancel_plan import plan_heard

# Reached only by words of undoing ("I cancelled last month" asks nothing).
CUE = (r"\b(undo|undone|reverse|revert|restore|reinstate|uncancel|un cancel|take back|by mistake|mistake|"
       r"by accident|changed my mind|regret|back|after all|deshacer|deshagan|revertir|restaur\w*|recuperar|"
       r"por error|sin querer|me equivoque|me arrepenti|cambie de opinion|de vuelta|cancelar la cancelacion|"
       r"anular la cancelacion|didn t mean to|didnt mean to|did not mean to|no queria cancelar|"
       r"(quiten|quitar|quiteme|quitenme|anule|anulen|anular|borren|borrar) (la|mi) cancelacion|"
       r"recuperen\w*|recuperarl[ao]|restauren|por equivocacion|por accidente|echar (para |pa )?atras|"
       r"volver a tener|arrepenti\w*|accidentally|accidently|put (it|them) back|turn (it|them) back on)\b")
JOURNEY = answer("undo_cancel", "undo_cancel", cue=CUE, slots_heard=plan_heard)  # the plan undone, as named
