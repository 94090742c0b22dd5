"""The questionnaire's words: the four quality points of the PAKU service-guidance cards (seed 004,
section 4: encounter, professional competence, cooperation, follow-up and effectiveness), each asked as
one plain statement, and the cards' scale of how well it was realised, 1 to 5, with "cannot say"."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHANNELS = {"callback": _l("Callback request"), "concern": _l("Concern notice")}

# code: (the point as staff know it, the statement a resident rates). The statements follow the cards'
# resident-facing items and the quick questions after a contact (got help? friendly? sent around?).
POINTS = {
    "encounter": (_l("Encounter"), _l("You were listened to and treated with respect.")),
    "competence": (_l("Competence"), _l("You got information or help that suited your matter.")),
    "cooperation": (_l("Cooperation"), _l("You got to the right place without being sent from one place to another.")),
    "impact": (_l("Effect"), _l("Your matter moved forward after the contact.")),
}
CANNOT_SAY = 0
SCALE = [("5", _l("Very well")), ("4", _l("Well")), ("3", _l("Satisfactorily")), ("2", _l("Poorly")),
         ("1", _l("Very poorly")), (str(CANNOT_SAY), _l("Cannot say"))]
# Figures on fewer answers than this are not shown (one answer could tell whose it was).
SMALLEST_SHOWN = 5
