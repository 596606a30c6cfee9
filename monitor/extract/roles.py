"""Who took which place from whom, read off one sentence's structure with patterns.

A *trigger* is a control-change phrase; its *voice* decides where the place and the actors sit:

=========  ====================================================  ==============  ================
voice      example                                               place           new holder
=========  ====================================================  ==============  ================
active     "X captured / seized / took / overran / retook Y"     after the verb  before the verb
drive      "X drove / pushed / expelled Z out of / from Y"       after "from"    before the verb
passive    "Y was captured / retaken by X"                       before          after "by"
fell       "Y fell to X", "Y came under X's control",            before          after / inside
           "Y is now controlled by X"
withdraw   "Z withdrew / pulled out from Y [and X moved in]"     after           after "and"
handover   "Z handed Y over to X"                                after           after "to"
nominal    "the capture / fall of Y [by / to X]"                 after "of"      after "by"/"to"
=========  ====================================================  ==============  ================

The previous holder comes from "from Z" after the place, the object of a drive verb, or the one who
withdrew / handed over. Subjects are the nearest chain of actor mentions before the verb ("Nusra
Front and Ahrar al-Sham captured"; "groups including Al Qaeda's wing in Syria, Nusra Front,
captured"), skipping possessives and actors inside prepositional phrases. When only a generic noun
is there ("the militants", "the army"), the claim records it and the pipeline resolves it.

The result is a list of ``Claim`` records: structure only, no catalogue look-ups beyond the
mentions already found. Which claims are real changes (blocked / negated) is marked here too, with
the rules of ``certainty``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from monitor.extract import certainty
from monitor.extract.actors import ActorMention
from monitor.extract.places import PlaceMention
from monitor.extract.text import CLOSE_QUOTE as _CQ
from monitor.extract.text import OPEN_QUOTE as _OQ
from monitor.extract.text import Sentence, without_open_quote

_ADV = r"(?:(?:now|reportedly|allegedly|fully|completely|finally|recently|quickly|later|eventually|briefly|also|then|" \
       r"effectively|successfully|swiftly|partially|largely|reportedly|once\s+again|again)\s+)*"
_CONTROL = r"(?:(?:their|its)\s+)?" + _OQ + r"?(?:full\s+|complete\s+|total\s+|effective\s+|partial\s+)?control" + _CQ + r"?" \
           r"(?:\s+(?:on|late\s+on|early\s+on)\s+[A-Z][a-z]+day)?\s+(?:of|over)"  # "imposed their control on Tuesday over"

GAIN = re.compile(
    r"\b(?:(?P<strong>captur(?:e|ed|es|ing)|seiz(?:e|ed|es|ing)|overr(?:an|un|uns|unning)|conquer(?:ed|s|ing)?|"
    r"liberat(?:e|ed|es|ing)|(?:took|take|takes|taking|taken)\s+over|"
    r"(?:gain\w*|assum\w*|establish\w*|wrest\w*|seiz\w*|took|take|takes|taking|taken|grabb?\w*|secur\w*|impos\w*|"
    r"extend\w*|consolidat\w*|won|win|wins|winning|claim\w*|declar\w*|proclaim\w*|announc\w*)\s+" + _CONTROL + r"|"
    r"swept\s+(?:into|through)|storm(?:ed|ing)?\s+and\s+(?:took|seized|captured))"
    r"|(?:now|fully|completely|totally|entirely)\s+control(?:led|s)?(?!\s+(?:of|over)\b)"
    r"|now\s+(?:fully\s+)?hold(?:s)?(?=\s+(?:the\s+)?(?:whole|entire|all\s+of)\b)"  # "they now hold the whole city"
    r"|rais(?:ed|ing)\s+(?:the|their|its)\s+(?:[\w-]+\s+){0,2}flags?\s+(?:over|above|on)"  # "raised the flag over"
    r"|(?:has|had|have|now\s+has|now\s+have)\s+(?:now\s+)?(?:full|complete|total)\s+control\s+(?:of|over)"
    r"|(?:is|are|was|were)\s+now\s+in\s+(?:full\s+|complete\s+|total\s+)?control\s+(?:of|over)"
    r"|(?<=forces\s)(?:were|are)\s+in\s+(?:full\s+|complete\s+)?control\s+of(?=\s+the\s+(?:town|city)\s+of\b)"
    r"|(?P<weak>took|take|takes|taking|taken|occup(?:ied|y|ies|ying)|secur(?:ed|es|ing)|fre(?:ed|es|eing)|clear(?:ed|s|ing)))\b",
    re.I,
)
REGAIN = re.compile(
    r"\b(?:(?P<strong>re-?(?:took|take|takes|taking|taken)(?:\s+" + _CONTROL + r")?|re-?captur(?:e|ed|es|ing)|"
    r"regain(?:ed|s|ing)?(?:\s+" + _CONTROL + r")?|reclaim(?:ed|s|ing)?|re-?conquer\w*|"
    r"re-?(?:establish|assert|impos)\w*\s+" + _CONTROL + r"|"
    r"restor(?:ed|es|ing)\s+(?:security(?:\s+and\s+stability)?|stability|state\s+authority|control)\s+(?:to|in|over)|"
    r"restor(?:ed|es|ing)(?=\s+the\s+(?:town|city|village)\s+of\b)|"  # "two days after restoring the town of Suran"
    r"(?:won|win|wins|winning|took|take|takes|taking|taken|wrest(?:ed|s|ing)?)\s+back(?:\s+control\s+of)?|"
    r"(?:won|wins|took|takes|wrest(?:ed|s|ing)?)(?=\s+(?:the\s+(?:town|city|village)\s+of\s+)?[A-Z][\w'’-]*"
    r"(?:\s+[A-Z][\w'’-]*){0,2}\s+back\b))"
    r"|(?P<weak>recover(?:ed|s|ing)?|re-?occup\w*|re-?liberat\w*))\b",
    re.I,
)
DRIVE = re.compile(
    r"\b(?:drove|drive|drives|driving|driven|push(?:ed|es|ing)?|forc(?:ed|ing)|expell?(?:ed|s|ing)?|"
    r"oust(?:ed|s|ing)?|kick(?:ed|s|ing)?|rout(?:ed|s|ing)?|chas(?:ed|es|ing)|flush(?:ed|es|ing)?|evict(?:ed|s|ing)?|"
    r"dislodg(?:ed|es|ing)|clear(?:ed|s|ing)?)\s+(?P<obj>(?:[\w'’-]+\s+){1,7}?)(?:out\s+of|from)\s+",
    re.I,
)
PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got|had\s+been|has\s+been|have\s+been)\s+" + _ADV +
    _OQ + r"?(?P<v>captured|seized|taken\s+over|overrun|liberated|retaken|recaptured|conquered|freed|regained|reclaimed|"
    r"declared\s+(?:(?:fully|completely|totally|entirely|officially)\s+)?(?:liberated|freed|free\s+of)|"
    r"taken\s+back|won\s+back|handed\s+over|handed(?=\s+(?:back\s+)?to\b)|abandoned|taken|cleared)\b" + _CQ + r"?",  # "had been 'liberated'"
    re.I,
)
FELL = re.compile(
    r"\b(?:f(?:ell|alls|allen|alling)\s+(?:in)?to\s+(?:the\s+)?(?:hands\s+of\s+|control\s+of\s+)?|"
    r"f(?:ell|alls|allen|alling)\s+under\s+(?:the\s+)?(?:(?:full|complete|total)\s+)?control\s+of\s+|"
    r"c(?:ame|omes|oming)\s+under\s+(?:the\s+)?(?:(?:full|complete|total)\s+)?control\s+of\s+|"
    r"(?:is|are|was|were)\s+(?:now\s+)?back\s+under\s+(?:the\s+)?(?:(?:full|complete|total)\s+)?control\s+of\s+|"
    r"(?:is|was|are|were)\s+now\s+(?:(?:fully|completely|entirely|totally|firmly)\s+)?(?:controlled\s+by|held\s+by|"
    r"in\s+the\s+hands\s+of|under\s+(?:the\s+)?(?:(?:full|complete|total)\s+)?control\s+of)\s+|"
    r"(?:is|was|are|were)\s+(?:now\s+)?(?:fully|completely|entirely|totally)\s+(?:controlled|held|occupied)\s+by\s+|"
    r"(?:is|was|are|were)\s+(?:now\s+)?(?:fully|completely|entirely|totally)\s+in\s+the\s+hands\s+of\s+|"
    r"now\s+(?:(?:fully|completely|entirely)\s+)?(?:controlled|held|occupied)\s+by\s+|"
    r"(?:passed|passes|returned|returns)\s+(?:in)?to\s+(?:the\s+)?(?:control\s+of\s+|hands\s+of\s+)|"
    r"(?:has|have)\s+been\s+in\s+the\s+hands\s+of\s+(?=[^.;]{1,60}\bsince\b)|"  # "... of M23 since Friday evening"
    r"(?P<poss_verb>(?:(?:c(?:ame|omes)|f(?:ell|alls)|brought|put|placed|passed|returned|back)\s+(?:under|in)?(?:to)?\s*|"
    r"(?:(?:is|are|was|were)\s+)?now\s+(?:(?:fully|completely|entirely|firmly|totally)\s+)?(?:under|in)\s+)"
    r"(?:the\s+)?)(?!(?:full|complete|total|firm|effective|the|under|in|into)\s)(?P<poss>[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,3}?|government|state|army|regime|rebel|militant|"
    r"insurgent|jihadist|opposition|military|separatist|its|their|our)\s+(?:(?:full|complete|total|firm)\s+)?"
    r"(?:control|hands))",
    re.I,
)
# "declared Palmyra liberated", "proclaimed the town of X fully freed from the rebels", "declared X free of militants"
DECLARED = re.compile(
    r"\b(?:declar(?:ed|es|ing)|proclaim(?:ed|s|ing)|pronounc(?:ed|es|ing))\s+(?P<obj>(?:[\w'’-]+,?\s+){1,7}?)"
    r"(?:(?:to\s+(?:be|have\s+been)|as)\s+)?(?:(?:now|fully|completely|totally|entirely|officially|finally|formally)\s+)*"
    r"(?:" + _OQ + r"?(?:(?P<re>re-?)?liberated|freed|(?P<free>free\s+(?:of|from)|cleared\s+of))\b|"
    + _OQ + r"free" + _CQ + r")",  # "declared Khartoum 'free'"
    re.I,
)
WITHDRAW = re.compile(
    r"\b(?:withdr(?:ew|awn|aws|awing|aw)|pull(?:ed|s|ing)?\s+out|retreat(?:ed|s|ing)?|pull(?:ed|s|ing)?\s+back|"
    r"pull(?:ed|s|ing)?\s+(?:its|their|his|her|the)\s+(?:last\s+|remaining\s+)?(?:forces|troops|fighters|soldiers|"
    r"units)\s+(?:out|back)|"
    r"abandon(?:ed|s|ing)?|evacuat(?:ed|es|ing))\s+(?:(?:its|their|his|her|all|remaining|last|from|out\s+of|"
    r"forces|troops|fighters|soldiers|units|positions|bases?|garrisons?)\s+)*",
    re.I,
)
LEAVING = re.compile(r"\b(?:leaving|left)\s+", re.I)
_LEFT_TO = re.compile(r"\s*(?:(?:entirely|fully|firmly)\s+)?(?:to|in\s+the\s+hands\s+of|(?:in|under)\s+(?:the\s+)?"
                      r"(?:full\s+|complete\s+)?control\s+of)\s+", re.I)
MOVED_IN = re.compile(r"\b(?:moved|move|moves|moving|swept|rolled|marched|poured)\s+(?:back\s+)?in(?:to)?\b|\bentered\b|"
                      r"\bhanded\s+(?:over\s+)?(?:its|their|the)\s+(?:\w+\s+)?(?:positions|bases?|posts?)\s+(?:over\s+)?to\b|"
                      r"\btook\s+(?:over|control)\b|\bfilled\s+the\s+(?:vacuum|void)\b", re.I)
HANDOVER = re.compile(r"\b(?:hand(?:ed|s|ing)?(?:\s+(?:over|back))?|surrender(?:ed|s|ing)?|ced(?:ed|es|ing)|"
                      r"turn(?:ed|s|ing)?\s+over)\s+",
                      re.I)
_POSSESSIVE_NOMINAL = re.compile(r"['’]s\s+(?:\w+\s+)?(?:capture|seizure|fall|takeover|recapture|liberation)\b", re.I)
ENTER = re.compile(r"\b(?P<re>re-?)?(?:entered|enters|entering|(?:walked|pushed|moved|marched|rolled|stormed|drove|"
                   r"poured|streamed)\s+into|stormed(?=\s+(?:the\s+(?:town|city|village)\s+of\s+)?[A-Z]))\b", re.I)
PLAIN_FELL = re.compile(
    r"\b(?:fell|has\s+fallen|had\s+fallen|have\s+fallen)\b(?!\s+(?:on|in|near|at|short|silent|ill|back|apart|victim|"
    r"below|by|from|to|into|asleep|quiet|under|off|over|through|behind|sharply|steadily|\d))", re.I)
NOMINAL = re.compile(r"\b" + _OQ + r"?(?P<n>capture|seizure|fall|takeover|take-over|recapture|liberation|retaking|loss)"
                     + _CQ + r"?\s+of\s+", re.I)  # "completed the 'liberation' of Bahri"
PEACEFUL = re.compile(r"\b(?:without\s+(?:a\s+)?(?:fight|resistance|a\s+shot|bloodshed|fighting)|unopposed|peacefully|"
                      r"under\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:deal|agreement|accord|truce|ceasefire)|negotiated|"
                      r"handed\s+over|surrendered|hand-?over|reconciliation\s+(?:deal|agreement))\b", re.I)
_GENERIC_NS_WORDS = (r"rebels?|militants?|insurgents?|jihadists?|islamists?|fighters|gunmen|extremists|terrorists|"
                     r"opposition|groups?|alliance|coalition|separatists?|militias?|militiamen|guerrillas?|mujahideen|"
                     r"factions?|bandits|tribesmen|tribal\s+fighters|clansmen|vigilantes|gangs?|gang\s+members|assailants")
_GENERIC_NON_STATE = re.compile(r"\b(?:" + _GENERIC_NS_WORDS + r")\b", re.I)
_DECLARED_HEAD = re.compile(r"(?:(?:the|its|their)\s+)?(?:(?:[\w-]+\s+){0,2}(?:town|city|village|hamlet|settlement|"
                            r"locality|port|capital|stronghold|enclave)\s+of\s+(?:the\s+)?)?", re.I)
_STATE_OFFICIAL = re.compile(r"\b(?:prime\s+minister|president|government|(?:defen[cs]e|interior)\s+minist(?:er|ry)|"
                             r"army\s+(?:chief|spokes\w+|command)|chief\s+of\s+(?:the\s+)?(?:general\s+)?staff|"
                             r"commander-in-chief|junta)\b(?![^,;]{0,20}\b(?:rebels?|militants?|group)\b)", re.I)
_DECLARED_HINT = re.compile(r"declar|proclaim|pronounc", re.I)
_ARMED_AFTER = re.compile(r"\s+(?:the\s+|all\s+)?(?:[\w'’-]+\s+){0,2}?(?:" + _GENERIC_NS_WORDS + r")\b", re.I)
_ACTOR_HEAD_WORDS = r"Brigades?|Battalions?|Front|Movement|Army|Forces|Militia|Group|Alliance|Council|Corps|Legion|" \
                    r"Division|Regiment|Guards?|Units?|Organi[sz]ation|Resistance|Coalition|Party|Command"
_UNKNOWN_GROUP = re.compile(
    r"\b((?:Jaish|Jaysh|Liwa|Harakat|Katiba|Kataib|Saraya|Ansar|Jabhat|Hayat|Faylaq|Jund|Ahrar|Tahrir)"
    r"(?:\s+(?:al-|el-|ash-|as-|ad-|ar-|at-)?[A-Z][\w'’-]+){1,3}"
    r"|(?:the\s+)?(?:[A-Z][\w'’-]+\s+){1,4}(?:" + _ACTOR_HEAD_WORDS + r"))\b"
)
_PREP_BEFORE = re.compile(r"\b(?:against|from|of|for|to|on|at|over|by|between|versus|vs|toward|towards|near|"
                          r"in|with|into|under)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,1}$", re.I)
_CHAIN_GAP = re.compile(r"^\s*(?:,|and|&|,\s*and|along\s+with|together\s+with|alongside|as\s+well\s+as|with|"
                        r"and\s+(?:allied|affiliated|local|friendly|pro-government)|"
                        r"backed\s+by|supported\s+by|and\s+(?:its|their)\s+allies?(?:\s+in)?|including)?\s*(?:the\s+)?$",
                        re.I)
_OBJ_STOP = re.compile(r"[.;:!?]|\b(?:after|before|when|while|following|since|because|where|which|who|although|but|"
                       r"in|near|at|on|outside|around|to|with|during|across|inside|into|between|against|toward|towards|"
                       r"under|than|as|by|off|carrying|with)\b", re.I)
_AREA_NOUN = re.compile(r"\b(?:villages?|towns?|areas?|parts?|neighbou?rhoods?|districts?|localities|"
                        r"territory|ground|settlements?|hamlets?|outposts?|bases?|most|much|all|swathes?|"
                        r"control|sections?|quarters?|suburbs?|headquarters|garrison|barracks|command|airport|"
                        r"airbase|centre|center|camps?|posts?|detachments?|gendarmerie|stations?|compound|facilities|"
                        r"buildings|offices|installations|palace)\s+"
                        r"(?:[\w'’-]+\s+){0,1}(?:in|of|around|across|at)\s+"
                        r"(?:the\s+)?(?:\w+\s+){0,2}$", re.I)
_FACILITY_OF = re.compile(r"\b(?:headquarters|barracks|garrison|palace|base)\s+of\s+(?:the\s+)?[^,;.()]{3,50}?\s+in\s+$",
                          re.I)  # "the headquarters of the military's Northeastern Command in Lashio"
_OPERATION_ENDED = re.compile(r"[^.;]{0,50}?\bafter\s+(?:an?\s+|the\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,3}"
                              r"(?:operation|raid|incursion|sweep)\b", re.I)
_COUNTRY_OF_GROUP = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,2}(?:paramilitar\w*|rebels?|militias?|insurgents?|armed\s+groups?|"
                               r"groups?|opposition|separatists?|jihadists?)\b", re.I)
_LED_BY = re.compile(r"\b(?:forces|fighters|troops|units|rebels|insurgents|militants|groups?|factions|coalition|alliance)\s+"
                     r"(?:led|commanded|headed|spearheaded)\s+by\s+(?:the\s+)?$", re.I)
_NOT_SETTLEMENT_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?(?:steel\s*works|works|plant|factory|refinery|hill|heights|mountain|"
                                   r"ridge|dam|bridge|complex|mine|oil\s*field|field|prison|hospital|university|stadium|"
                                   r"sea|river|lake|valley|canal|corridor|highway|road)\b", re.I)
_PART_OF = re.compile(r"\b(?:parts?|sections?|quarters?|neighbou?rhoods?|districts?|pockets?|corners?|edges?|outskirts)\s+"
                      r"of\s+(?:the\s+)?(?:\w+\s+){0,1}$", re.I)
_NON_PLACE_OBJ = re.compile(r"\b(?:soldiers?|fighters?|weapons?|prisoners?|hostages?|tanks?|vehicles?|ammunition|"
                            r"equipment|members?|people|civilians?|men|women|children|commanders?|leaders?|"
                            r"officers?|militants?|rebels?|trucks?|drones?|documents?|responsibility|part|place|"
                            r"photos?|pictures?|video|refuge|shelter|cover|aim|office|power|steps?|action|measures?)\b",
                            re.I)
_LIST_GAP = re.compile(r"^\s*(?:(?:on|late\s+on|early\s+on)\s+[A-Z]\w+day\s*)?"
                       r"(?:,|and|,\s*and|as\s+well\s+as|&|or|,\s*as\s+well\s+as)\s*(?:over\s+)?(?:the\s+)?"
                       r"(?:(?:nearby\s+|neighbouring\s+|neighboring\s+|adjacent\s+)?(?:town|village|city|district|area|"
                       r"locality|settlement)s?\s+(?:of\s+)?)?$", re.I)
_SUBORDINATE = re.compile(r"\b(?:which|who|whom|whose|that|after|before|since|when|while|because|although|where|until|"
                          r"following)\b|[;:(]", re.I)


@dataclass
class Claim:
    """One sentence's statement that a place changed hands (or was said not to)."""

    sentence: Sentence
    place: PlaceMention
    kind: str  # gain | regain | withdraw | handover
    voice: str
    trigger: tuple[int, int]  # absolute span of the trigger phrase
    actors: list[ActorMention] = field(default_factory=list)  # principal first, then coordinated ones
    actor_generic: str | None = None  # "state" | "non_state" when only a generic noun names the taker
    generic_head: str | None = None  # that noun ("tribesmen", "militants"), for coreference
    actor_country: str | None = None  # for a generic state taker named by its country ("the Russian takeover")
    actor_unknown: str | None = None  # surface name of a group not in the catalogue
    previous: list[ActorMention] = field(default_factory=list)
    previous_generic: str | None = None
    previous_head: str | None = None  # the generic noun of the previous holder ("the rebels"), for coreference
    subject_pronoun: bool = False  # the taker is "they", with no actor named before it in the sentence
    blocked: bool = False
    raid: bool = False  # blocked because the takers left again ("stormed X ... before soldiers drove them out")
    negated: bool = False
    peaceful: bool = False
    strength: float = 0.8  # how much the pattern alone supports a change


def find_claims(sentence: Sentence, places: list[PlaceMention], actors: list[ActorMention],
                earlier: list[PlaceMention] = (), focus: frozenset[str] = frozenset()) -> list[Claim]:
    """Every claim of a change in one sentence (places and actors are those inside it).

    ``earlier``: place mentions of the preceding sentences, so "the town" can stand for the town
    the text named before ("the town of Morek ... the town had been seized").
    """
    text, base = sentence.text, sentence.start
    known = [(p.start, p.end) for p in places]  # an unknown name never overlaps a known place (or landmark)
    rel_places = [p for p in places if not p.landmark] + _definite_references(text, base, [*earlier, *places], focus) \
        + _pronoun_references(text, base, [*earlier, *places], focus)
    rel_places.sort(key=lambda p: p.start)
    used: list[tuple[int, int]] = []
    claims: list[Claim] = []

    def free(span: tuple[int, int]) -> bool:
        return not any(span[0] < e and s < span[1] for s, e in used)

    def verb_objects(pattern: re.Pattern[str]) -> Iterator[tuple[re.Match[str], list[PlaceMention]]]:
        """Each free match of ``pattern`` whose object (read strictly) is a place, with those places."""
        for m in pattern.finditer(text):
            if free(m.span()):
                targets = _objects(text, base, m.end(), rel_places, strict=True, actors=actors, known=known)
                if targets:
                    used.append(m.span())
                    yield m, targets

    peaceful = bool(PEACEFUL.search(text))

    for m in DECLARED.finditer(text) if _DECLARED_HINT.search(text) else ():  # "declared Palmyra liberated"
        if m.group("free") and not _ARMED_AFTER.match(text[m.end():]) and not any(
                0 <= a.start - base - m.end() <= 12 for a in actors):
            continue  # "declared Goma free of cholera": free of something else than an armed group
        obj_end = base + m.end("obj")
        targets = [p for p in _objects(text, base, m.start("obj"), rel_places, strict=True, actors=actors, known=known)
                   if p.end <= obj_end and not p.wants_admin1 and not p.region]
        # the whole object is the place(s): not "most of Raqqa", "the Raqqa countryside", "eastern Mosul"
        if not targets or not _DECLARED_HEAD.fullmatch(text[m.start("obj"):targets[0].start - base]) \
                or not re.fullmatch(r"[\s,]*", text[targets[-1].end - base:obj_end - base]) or not free(m.span()):
            continue
        used.append(m.span())
        for place in targets:
            c = Claim(sentence, place, "regain" if m.group("re") else "gain", "active", (base + m.start(), base + m.end()),
                      peaceful=peaceful, strength=0.8)
            _subject(c, text, base, m.start(), m.end(), actors)
            if not (c.actors or c.actor_generic or c.actor_unknown) and _STATE_OFFICIAL.search(text[:m.start()]):
                c.actor_generic = "state"  # "Prime Minister X declared Y liberated": the state's forces took it
            _from_previous(c, text, base, place, actors, after_pos=m.end())
            _mark(c, text[:m.start()])
            claims.append(c)

    for kind, pattern in (("regain", REGAIN), ("gain", GAIN)):
        for m in pattern.finditer(text):
            if not free(m.span()):
                continue
            weak = m.group("weak") is not None
            if re.match(r"clear", m.group(), re.I) and re.match(r"\s+(?:from|out\s+of)\b", text[m.end():], re.I):
                continue  # "the attackers had been cleared from the town": people removed, no place taken
            if text[m.start() - 1:m.start()] == "-":
                continue  # "Russian-occupied", "rebel-held": an adjective, not a verb
            if re.fullmatch(r"(?:re)?capture|take", m.group(), re.I) and (
                    re.match(r"\s+of\b", text[m.end():]) or
                    re.search(r"\b(?:the|a|an|its|their|his|her|whose|this|that)\s+(?:\w+\s+)?$", text[:m.start()], re.I)):
                continue  # the noun ("the capture of"): NOMINAL reads it
            targets = _objects(text, base, m.end(), rel_places, strict=weak, actors=actors, known=known)
            floor = 0
            if not targets:  # "Tikrit, which Islamic State fighters seized in 2014"
                rel = _relative_object(text, base, m.start(), rel_places)
                if rel is None:
                    continue
                targets, floor = [rel[0]], rel[1]
            used.append(m.span())
            for place in targets:
                c = Claim(sentence, place, kind, "active", (base + m.start(), base + m.end()), peaceful=peaceful,
                          strength=0.7 if weak else 0.85)
                _subject(c, text, base, m.start(), m.end(), actors, floor=floor)
                _from_previous(c, text, base, place, actors)
                _mark(c, text[:m.start()])
                claims.append(c)

    for m in DRIVE.finditer(text):
        obj = m.group("obj").strip().lower()
        if not free(m.span()) or obj.endswith("back") or obj.startswith("to "):
            continue
        # "drove the troops out of Leego": what follows "out of" is a place even when the gazetteer lacks it
        targets = _objects(text, base, m.end(), rel_places, strict=True, actors=actors, known=known,
                           names_ok=m.group().lower().rstrip().endswith("out of"))
        obj_span = (base + m.start("obj"), base + m.end("obj"))
        prev = [a for a in actors if obj_span[0] <= a.start < obj_span[1]]
        generic_prev = _generic_in(text[m.start("obj"):m.end("obj")])
        if not targets or not (prev or generic_prev):
            continue
        used.append(m.span())
        for place in targets:
            c = Claim(sentence, place, "gain", "drive", (base + m.start(), base + m.end()), previous=prev,
                      previous_generic=None if prev else generic_prev, peaceful=peaceful, strength=0.8)
            _subject(c, text, base, m.start(), m.end(), actors)
            _mark(c, text[:m.start()])
            claims.append(c)

    for m in PASSIVE.finditer(text):
        if not free(m.span()):
            continue
        verb = m.group("v").lower()
        place = _place_before(text, base, m.start(), rel_places, actors)
        if place is None:
            continue
        used.append(m.span())
        kind = "withdraw" if verb == "abandoned" else "handover" if verb.startswith("handed") else \
            "regain" if verb.startswith(("re", "taken back", "won back")) else "gain"
        c = Claim(sentence, place, kind, "passive", (base + m.start(), base + m.end()), peaceful=peaceful,
                  strength=0.7 if verb in ("taken", "cleared", "secured") else 0.85)
        after = text[m.end():]
        by = re.match(r"\s*(?:[\w'’-]+\s+){0,4}?(?:by|to)\s+", after)
        if by:
            _actors_at(c, actors, base + m.end() + by.end(), text, into="actors")
        if not (c.actors or c.actor_generic or c.actor_unknown) and re.match(r"liberat|freed|re", verb) and \
                _STATE_OFFICIAL.search(text[:place.start - base]):
            c.actor_generic = "state"  # "the government declared that X had been liberated": its forces took it
        _from_previous(c, text, base, place, actors, after_pos=m.end())
        _mark(c, text[:m.start()])
        claims.append(c)

    for m in FELL.finditer(text):
        if not free(m.span()):
            continue
        place = _place_before(text, base, m.start(), rel_places, actors)
        named_only = place is None and (_CONTROLLED_BY.match(m.group()) or re.match(r"f(?:ell|allen|alls)\s", m.group(), re.I))
        if named_only:  # "Nyabibwe fell to the M23 rebels": a name the gazetteer lacks, heading the sentence
            place = _initial_name(text, base, m.start(), actors)
        if place is None:
            continue
        c = Claim(sentence, place, "gain", "fell", (base + m.start(), base + m.end()), peaceful=peaceful, strength=0.85)
        if m.group("poss") and m.group("poss").lower() in ("its", "their", "our"):
            # "Hazm was now under their full control": the group that says so, else the one named before
            speaker = [a for a in actors if a.start >= base + m.end() and _REPORTED_BY.match(
                text[m.end():a.start - base])] if m.group("poss").lower() == "our" else []
            before = [a for a in actors if a.end <= base + m.start() and not a.generic_state]
            subjects = [a for a in before if _subject_like(a, text, base)]  # not "in South Sudan's Upper Nile"
            c.actors = speaker[:1] or subjects[-1:]  # none: the sentence's other claim on the place tells who
        elif m.group("poss"):
            poss_span = (base + m.start("poss"), base + m.end("poss"))
            c.actors = [a for a in actors if poss_span[0] <= a.start < poss_span[1]]
            if not c.actors:
                poss = m.group("poss").lower()
                c.actor_generic = "state" if poss in ("government", "state", "army", "regime", "military") else \
                    "non_state" if _GENERIC_NON_STATE.search(poss) or poss in ("rebel", "militant", "insurgent",
                                                                                 "jihadist", "separatist") else None
                if c.actor_generic is None and country_code_of(m.group("poss").split()[0]):
                    c.actor_generic, c.actor_country = "state", country_code_of(m.group("poss").split()[0])
                if c.actor_generic is None:
                    c.actor_unknown = m.group("poss")
        else:
            _actors_at(c, actors, base + m.end(), text, into="actors")
            if not c.actors and not c.actor_generic and not c.actor_unknown and \
                    re.match(r"(?:passed|passes|returned|returns)", m.group(), re.I):
                continue
        if named_only and not (c.actors or c.actor_generic or c.actor_unknown):
            continue  # "Ahmed fell to his knees": a name falls to an armed group, or it is no place
        used.append(m.span())
        if c.actors and c.actors[0].generic_state or c.actor_generic == "state" and c.actor_country is None:
            c.kind = "regain"  # "came under government control" (not "under Russian control": a foreign army)
        _mark(c, text[:m.start()])
        claims.append(c)

    for m, targets in verb_objects(ENTER):  # kept only when the article says the defenders left (see the pipeline)
        for place in targets:
            c = Claim(sentence, place, "regain" if m.group("re") else "gain", "enter", (base + m.start(), base + m.end()),
                      peaceful=peaceful, strength=0.7)
            _subject(c, text, base, m.start(), m.end(), actors)
            _from_previous(c, text, base, place, actors)
            _mark(c, text[:m.start()])
            claims.append(c)

    for m in PLAIN_FELL.finditer(text):  # "Jalalabad fell without a fight"
        if not free(m.span()):
            continue
        place = _place_before(text, base, m.start(), rel_places, actors)
        if place is None or len(text[place.end - base:m.start()].split()) > 3:
            continue
        used.append(m.span())
        c = Claim(sentence, place, "gain", "fell", (base + m.start(), base + m.end()), peaceful=peaceful, strength=0.75)
        _mark(c, text[:m.start()])
        claims.append(c)

    for pattern, kind in ((WITHDRAW, "withdraw"), (HANDOVER, "handover")):
        for m, targets in verb_objects(pattern):
            for place in targets:
                c = Claim(sentence, place, kind, kind, (base + m.start(), base + m.end()),
                          peaceful=peaceful or kind == "handover", strength=0.75 if kind == "withdraw" else 0.8)
                if kind == "withdraw" and _OPERATION_ENDED.match(text[place.end - base:]):
                    continue  # "pulled out of Jabalia ... after a three-week ground operation": a raid ended
                _giver_as_previous(c, text, base, m, actors)  # who withdrew / handed over held it
                if kind == "withdraw":  # "... and X moved in": the one who moved in gained it
                    mi = MOVED_IN.search(text, place.end - base)
                    if mi and mi.group().lower().startswith("handed"):  # "... and handed their positions to X"
                        _actors_at(c, actors, base + mi.end(), text, into="actors")
                    elif mi:
                        _subject(c, text, base, mi.start(), mi.end(), actors, floor=place.end - base)
                        if c.actors or c.actor_generic or c.actor_unknown:
                            c.kind, c.strength = "gain", 0.8
                else:  # "... over to X": the receiver gained it
                    to = re.match(r"[^.;]{0,60}?\b(?:back\s+|over\s+)?to\s+", text[place.end - base:])
                    if to:
                        _actors_at(c, actors, place.end + to.end(), text, into="actors")
                _mark(c, text[:m.start()])
                claims.append(c)

    # "..., leaving it / the town in the hands of X": X holds it now
    for m, targets in verb_objects(LEAVING) if "left" in text or "leaving" in text else ():
        for place in targets[:1]:
            to = _LEFT_TO.match(text[place.end - base:])
            if not to:
                continue
            c = Claim(sentence, place, "gain", "handover", (base + m.start(), base + m.end()), peaceful=peaceful,
                      strength=0.75)
            _actors_at(c, actors, place.end + to.end(), text, into="actors")
            if not (c.actors or c.actor_generic or c.actor_unknown):
                continue
            _mark(c, text[:m.start()])
            claims.append(c)

    for m in _POSSESSIVE_NOMINAL.finditer(text):  # "Avdiivka's capture", "Goma's fall"
        place = next((p for p in rel_places if p.end - base == m.start()), None)
        if place is None or not free(m.span()):
            continue
        used.append(m.span())
        c = Claim(sentence, place, "gain", "nominal", (base + m.start(), base + m.end()), peaceful=peaceful,
                  strength=0.55)
        _mark(c, text[:place.start - base])
        claims.append(c)

    for m, targets in verb_objects(NOMINAL):
        noun = m.group("n").lower()
        for place in targets[:1]:
            if re.match(r"[^.;]{0,40}?\b(?:would|could|might|may|will)\b", text[place.end - base:], re.I):
                continue  # "capture of X would be a major victory": hypothetical
            c = Claim(sentence, place, "regain" if noun in ("recapture", "retaking") else "gain", "nominal",
                      (base + m.start(), base + m.end()), peaceful=peaceful, strength=0.55)
            by = re.match(r"[^.;,]{0,30}?\b(?:by|to)\s+", text[place.end - base:])
            if by:
                _actors_at(c, actors, place.end + by.end(), text, into="actors")
            ann = re.search(r"\b(?:announc|declar|celebrat|complet|claim|confirm|hail|mark|proclaim|finish|achiev|"
                            r"seal|finali[sz])(?:ed|es|ing)?\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
                            without_open_quote(text[:m.start()]), re.I)  # "completed the 'liberation' of"
            if not c.actors and ann:  # "SDF fighters announced the full liberation of Raqqa"
                if re.search(r",\s*$", text[:ann.start()]) and ann.group().lower().split()[0].endswith("ing"):
                    # "X retook the last pocket ..., completing the recapture of Y": the main clause's subject
                    lead = [a for a in actors if a.end <= base + ann.start() and _subject_like(a, text, base)]
                    c.actors = _dedupe(_leading_chain(lead, text, base)) if lead else []
                if not c.actors:
                    _subject(c, text, base, ann.start(), ann.end(), actors)
                _from_previous(c, text, base, place, actors)
            if not c.actors and not c.actor_generic and not c.actor_unknown:  # "the Taliban's capture of"
                own = [a for a in actors if 0 <= base + m.start() - a.end <= 12
                       and re.fullmatch(r"(?:['’]s)?\s*", text[a.end - base:m.start()])]
                if own:
                    c.actors = own[-1:]
                else:
                    dem = re.search(r"\b([A-Z][a-z]+)\s+$", text[:m.start()])
                    if dem and country_code_of(dem.group(1)):
                        c.actor_generic, c.actor_country = "state", country_code_of(dem.group(1))
            if noun == "loss":
                c.previous, c.actors = c.actors, []
            _mark(c, text[:m.start()])
            claims.append(c)
    return claims


# --- helpers ------------------------------------------------------------------------------------------
_DEFINITE = re.compile(r"\b(?:the|this)\s+(?:(?:strategic|key|small|besieged|embattled|northern|southern|eastern|"
                       r"western|northwestern|northeastern|southwestern|southeastern|border|coastal|provincial|"
                       r"rebel-held|government-held|frontline|front-line|ancient|desert|nearby|port|hilltop|market|"
                       r"garrison|main|capital|oil|trading|frontier|devastated|ruined|district|whole|entire)\s+){0,2}"
                       r"(?P<noun>town|city|village|hamlet|settlement|locality|enclave|stronghold|hub)\b(?!\s+of\b|['’]s)",
                       re.I)
_ANY_NOUN = ("hub", "stronghold", "enclave")  # "the trading hub" can stand for a town or a city


def _definite_references(text: str, base: int, earlier: list[PlaceMention],
                         focus: frozenset[str] = frozenset()) -> list[PlaceMention]:
    """"the town" as a stand-in for an earlier place: the last one the text called a town (same noun), else
    the last place named just before (this sentence or the previous 300 characters) whatever its noun."""
    out = []
    for m in _DEFINITE.finditer(text):
        noun = m.group("noun").lower()
        before = [p for p in earlier if p.end <= base + m.start() and p.antecedent is None and not p.region
                  and not p.in_parens and not all(e.kind == "admin1" for e in p.candidates[:1])
                  and not p.facility]  # not "flew out to the Kandahar air field ... handing the city over"
        same = [p for p in before if p.noun == noun and not p.landmark] or \
            [p for p in before if p.key in focus and not p.landmark]  # else what the story is about
        close = [p for p in before if base + m.start() - p.end <= 300 and (p.noun in (None, noun, "capital")
                                                                         or noun in _ANY_NOUN) and not p.wants_admin1]
        # "north of Kismayo ... the port city" if nothing else, but not "north of the state capital Sittwe ... the town"
        close = [p for p in close if not p.landmark] or [p for p in close if p.noun in (None, noun)]
        # "... began in Gonaives, when a gang took over the city": a place this sentence names comes first
        here = [p for p in close if p.start >= base and not p.landmark]
        p = here[-1] if here else same[-1] if same else close[-1] if close else None
        if p is not None:
            out.append(PlaceMention(base + m.start(), base + m.end(), p.surface, p.key, p.candidates, False,
                                    p.wants_admin1, p.wants_city, noun, antecedent=p))
    return out


# "it" as the object of a change verb ("the rebels seized it on Friday") or the subject of a passive / "fell to"
_IT_OBJECT = re.compile(
    r"\b(?:(?:re-?)?captur(?:ed|es|ing)|seiz(?:ed|es|ing)|overr(?:an|un|uns|unning)|(?:re-?)?conquer(?:ed|s|ing)|"
    r"(?:re-?)?(?:took|take|takes|taking|taken)|(?:re-?)?occup(?:ied|ies|ying)|liberat(?:ed|es|ing)|storm(?:ed|s|ing)|"
    r"regain(?:ed|s|ing)?|reclaim(?:ed|s|ing)?|wrest(?:ed|s|ing)?|entered|enters|"
    r"(?:control|hold)\s+(?:of|over)|(?:took|taken|taking|takes)\s+over|abandon(?:ed|s|ing)?|"
    r"(?:withdr(?:ew|awn|aws|awing)|pull(?:ed|s|ing)?\s+out|retreat(?:ed|s|ing)?)\s+from|hand(?:ed|s|ing)|"
    r"surrender(?:ed|s|ing)|(?:declared|proclaimed)|leaving)\s+(?P<it>it)\b"
    r"(?!\s+(?:upon|to\s+be|as\b|that\b|for\s+granted|seriously|easy|hard|personally|into\s+account|was|is|would|will|"
    r"had|has|could|might|on\s+(?:board|trust)|out\s+on)\b)", re.I)
_IT_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:and|but|until|before|when|after|as|then)\s+)(?P<it>[Ii]t)\s+(?=(?:(?:finally|eventually|later|"
    r"quickly|briefly|then|soon|itself)\s+)?(?:fell\s+(?:in)?to|f(?:ell|alls)\s+under|came\s+under|(?:was|had\s+been|has\s+"
    r"been)\s+(?:captured|seized|overrun|retaken|recaptured|liberated|taken\s+over|conquered|declared\s+liberated)))")
_IT_WORD = re.compile(r"\b[Ii]t\b")
# what "it" stands for when not a place
_IT_THING = re.compile(r"\b(?:helicopter|drone|plane|aircraft|jet|vehicle|tank|truck|car|bus|convoy|ship|boat|vessel|"
                       r"weapons?|depot|cache|flag|statement|video|footage|report|offensive|operation|attack|deal|"
                       r"agreement|ceasefire|truce|claim|responsibility|road|highway|bridge|dam|field|plant|refinery|"
                       r"crossing|checkpoint|house|building|school|hospital|mosque|church|prison)\b|"
                       # an unnamed place: "attacked a village near Kidal and captured it"
                       r"\b(?:a|an|another|one)\s+(?:[\w-]+\s+)?(?:village|town|hamlet|settlement|area|district|base|"
                       r"camp|post|position|outpost|hill|neighbou?rhood|suburb|island)\b", re.I)


def _pronoun_references(text: str, base: int, candidates: list[PlaceMention],
                        focus: frozenset[str] = frozenset()) -> list[PlaceMention]:
    """"it" standing for the place named last (this sentence or the ~400 characters before), when "it" is the
    object of a change verb ("they seized it on Friday") or the subject of a passive / "fell to" ("It fell to
    the rebels"). Not when something else that "it" could be is named before it in the sentence (a helicopter, a deal)."""
    out = []
    if not _IT_WORD.search(text):
        return out
    hits = [m.start("it") for m in _IT_OBJECT.finditer(text)] + [m.start("it") for m in _IT_SUBJECT.finditer(text)]
    for pos in sorted(set(hits)):
        at = base + pos
        before = [p for p in candidates if p.end <= at and at - p.end <= 400 and p.antecedent is None
                  and not p.region and not p.in_parens and not p.wants_admin1
                  and not all(e.kind == "admin1" for e in p.candidates[:1])]
        if not before:
            continue
        plain = [q for q in before if not q.landmark] or before  # "reached the outskirts of Goma ... captured it"
        here = [q for q in plain if q.start >= base]
        topic = [q for q in plain if q.key in focus]
        # the place named last in this sentence; else the story's news place, else the place named last
        p = max(here or topic or plain, key=lambda q: q.end)
        if _IT_THING.search(text[:pos]):
            continue
        out.append(PlaceMention(at, at + 2, p.surface, p.key, p.candidates, False, p.wants_admin1, p.wants_city,
                                p.noun, antecedent=p))
    return out


def _objects(text: str, base: int, pos: int, places: list[PlaceMention], *, strict: bool,
             actors: list[ActorMention] = (), known: list[tuple[int, int]] = (), names_ok: bool = False
             ) -> list[PlaceMention]:
    """The place(s) a verb ending at ``pos`` acts on: the first place shortly after it, plus a list.

    A capitalised name the gazetteer does not know ("took control of Lakmat al Qalah") comes back as
    an unresolved mention (no candidates); a territorial object with the place further on
    ("recovered territory ... at Y") is accepted when nothing else is.
    """
    after = sorted((p for p in places if p.start - base >= pos), key=lambda p: p.start)
    first = after[0] if after else None
    gap = text[pos:first.start - base] if first else ""
    direct = first is not None
    modifier = re.match(r"\s+(?:(?!(?:and|or|the|a|an)\b)[\w-]+\s+){0,2}?(?:town|city|village|port|capital)\s+of\s+",
                        text[first.end - base:], re.I) \
        if direct else None
    if modifier:  # "the Red Sea port city of Hodeidah": the first name is a modifier; the place comes after "of"
        named = [p for p in after[1:] if p.start == first.end + modifier.end()]
        if named:
            after = after[after.index(named[0]):]
            first, gap = named[0], text[pos:named[0].start - base]
        else:
            direct = False
    if direct:
        words = gap.split()
        limit = 6 if strict else 10
        if len(words) > limit or _NON_PLACE_OBJ.search(gap) or re.search(r"[.;!?()]", gap):
            direct = False
        elif len(words) > 2 and not (_DESCRIBED.search(gap) or _FACILITY_OF.search(gap)
                                     or _CONTROL_OF.match(text[pos - 12:pos + 1] + gap)):
            direct = False  # "took control of a wooden boat carrying migrants off the coast of X"
        elif re.search(r"\b[A-Z][a-z]", gap) and any(n.end <= first.start for n in _unknown_names(text, base, pos, actors, known)):
            direct = False  # "took control of Wadi Qazzan (Sirwah, Marib)": the unknown name is the object
        else:
            stop = _OBJ_STOP.search(gap)
            area = _AREA_NOUN.search(gap) or _FACILITY_OF.search(gap)
            # "captured a village in Borno state": an unnamed place; the region only locates it (but "the
            # headquarters of Imam Sahib district" is the district centre)
            if area and (first.wants_admin1 or first.region or _ADMIN_AFTER.match(text[first.end - base:])) and not (
                    re.match(r"(?:headquarters|cent(?:re|er))", area.group(), re.I)
                    and re.match(r"\s+district\b", text[first.end - base:], re.I)):
                return []
            if _PART_OF.search(gap):
                return []  # "occupying parts of the town": a foothold, not the town
            if area and re.match(r"(?:post|detachment|gendarmerie|station|compound|facilities|buildings|offices|"
                                 r"installations|checkpoint|palace)", area.group(), re.I) and not _HELD_CUE.search(text):
                direct = False  # a police station stormed is an attack; taken and held, it stands for the town
            elif stop and not area and not re.fullmatch(
                    r"\s*(?:(?:full|complete|total)\s+)?control\s+(?:of|over)\s+(?:the\s+)?(?:\w+\s+){0,3}", gap, re.I):
                direct = False
    if not direct:
        names = _unknown_names(text, base, pos, actors, known)
        if strict and not names_ok and not _CONTROL_OF.match(text[pos - 12:pos + 1]):
            # a weak verb ("took") only with a name the text calls a place: "X, a town ...", "the town of X",
            # "the border post at X"
            names = [n for n in names[:1] if re.search(r"\b(?:town|city|village|hamlet|settlement|locality)\s+of\s+$|"
                                                         + _AREA_NOUN.pattern, text[pos:n.start - base], re.I)
                     or not text[pos:n.start - base].strip() and _APPOSITION_PLACE.match(text[n.end - base:])]
            names = [n for n in names if not re.match(r"\s+(?:township|district|province|state|region)\b",
                                                      text[n.end - base:], re.I)]
        if names:
            # "the towns of Kiwanja and Rutshuru": the known places in the same list of names belong to it
            listed = _NAMES_OBJ.match(text[pos:])
            if listed:
                lo, hi = pos + listed.start("names"), pos + listed.end("names")
                names = sorted([*names, *(p for p in places if lo <= p.start - base < hi and not p.landmark
                                          and not any(n.start == p.start for n in names))], key=lambda p: p.start)
            return names
        territorial = _TERRITORY_OBJ.match(text[pos:])
        if territorial and strict and not _CONTROL_OF.match(text[pos - 12:pos + 1]) and not re.search(
                r"\b(?:territory|ground|villages|towns|localities|areas)$", territorial.group(), re.I):
            territorial = None  # "took part in", "secured the base": not territory
        if first is not None and territorial and not first.wants_admin1 and not first.in_parens and not re.match(
                r"\s+(?:district|province|region|governorate|county|state)\b", text[first.end - base:], re.I):
            gap = text[pos:first.start - base]
            # "had taken several villages ... but had not entered Hama": a new clause, the place is not the object
            if len(gap.split()) <= 16 and not re.search(r"[.;!?]|,\s*and\b|\b(?:but|yet|while|whereas|although|though|"
                                                        r"said|says|officials?)\b", gap, re.I):
                out = [first]
                if re.search(r"\b(?:capitals|cities|towns|cent(?:re|er)s)\b", territorial.group(), re.I):
                    for nxt in after[1:]:
                        if not _COUNTED_LIST_GAP.match(text[out[-1].end - base:nxt.start - base]):
                            break
                        out.append(nxt)
                return out
        if territorial:  # "took control of several checkpoints, notably in Ad Daqiq"
            m = re.match(r"[^.;]{0,100}?\b(?:in|at)\s+(?=" + _NAME + ")", text[pos:])
            if m:
                found = _unknown_names(text, base, pos + m.end(), actors, known)[:1]
                return [n for n in found if not re.match(r"\s+(?:district|province|region|governorate|county)\b",
                                                         text[n.end - base:], re.I)]
        return []
    out = [first]
    rest = after[1:]
    while rest:
        nxt = rest.pop(0)
        gap = text[out[-1].end - base:nxt.start - base]
        if _LIST_GAP.match(gap) and not nxt.wants_admin1 and not re.match(  # not "Gwoza, the Borno state town"
                r"\s+(?:port|town|city|capital|village|region|province)\b", text[nxt.end - base:], re.I):  # "the South Kivu port"
            out.append(nxt)
            continue
        # skip places inside a locator phrase ("in Sar-e Pul province in northern Afghanistan") to the next item
        for k, cand in enumerate([nxt, *rest]):
            if _LOCATED_LIST_GAP.match(text[out[-1].end - base:cand.start - base]):
                out.append(cand)
                rest = rest[k:] if k else rest
                break
        else:
            break
    listed = _NAMES_OBJ.match(text[pos:])
    if listed and re.search(r"s\s+(?:of|at|in)\s+$", text[pos:pos + listed.start("names")]):
        # "the towns of Rutshuru and Kiwanja": a name the gazetteer lacks in a list of places is a place too
        extra = [n for n in _unknown_names(text, base, pos, actors, known) if n.start > first.start]
        out = sorted([*out, *extra], key=lambda p: p.start)
    return out


_CAL = r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|" \
       r"August|September|October|November|December)\b)"
_NAME = r"(?:(?:[Aa]l|[Ee]l)[\s-]|(?:[Aa]sh|[Aa]s|[Aa]d|[Aa]r|[Aa]t|[Aa]z|[Aa]n|[Aa]th|[Aa]dh)-)?" + _CAL + \
        r"[A-Z][\w'’]+(?:-[A-Z]?[\w'’]+){0,3}" \
        r"(?:\s+(?:(?:al|el|ash|as|ad|ar|at|az|an|ath|adh|de|da|du|ya|wa|bin|ibn|la|le)[\s-]+)?" + _CAL + \
        r"[A-Z][\w'’]+(?:-[\w'’]+)?){0,3}"
_PLACE_NOUNS = r"(?:town|village|city|district|area|locality|hamlet|settlement|base|airport|port|neighbou?rhood|suburb|" \
               r"camp|outpost|hill|mountain|valley|region|county|commune|municipality|post|detachment|gendarmerie|station)s?"
_NAMES_OBJ = re.compile(
    r"^\s*(?:(?:full|complete|total)\s+)?(?:control\s+(?:of|over)\s+)?(?:the\s+)?"
    # "the Indian Ocean town of X", "the border post at X"; not "Rathedaung town in <region>"
    r"(?:(?:[\w-]+\s+){0,3}?" + _PLACE_NOUNS + r"\s+of\s+|(?:[a-z][\w-]*\s+){0,2}?" + _PLACE_NOUNS + r"\s+(?:at|in)\s+)?"
    r"(?P<names>" + _NAME + r"(?:\s*(?:,|and|,\s*and)\s*" + _NAME + r")*)"
)
_HELD_CUE = re.compile(r"\b(?:control|took\s+over|taken\s+over|withdr\w+|fled|abandon\w*|retreat\w*|pulled\s+out|"
                       r"raised\s+(?:their|the|its)\s+(?:\w+\s+)?flag|without\s+(?:a\s+fight|resistance))\b", re.I)
# "Sar-e Pul, in Sar-e Pul province in northern Afghanistan and Taleqan": a list whose items carry a locator
_LOCATED_LIST_GAP = re.compile(r"^\s*,\s*(?:in|(?:the\s+)?(?:provincial\s+)?capital\s+of)\s+[^,;.]{1,70}?(?:\s*,)?\s+(?:and|as\s+well\s+as)\s+"
                               r"(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$", re.I)
_DESCRIBED = re.compile(r"\b(?:town|city|village|hamlet|settlement|locality|district|capital|hub|port|stronghold|enclave|"
                        r"base|airport|airbase|outpost|area|region|province|county|municipality|neighbou?rhood|suburb|"
                        r"camp|headquarters|garrison|crossing|junction|oasis|island|valley|commune|township|centre|"
                        r"center|seat|hill|heights|bastion|gateway|most|much|all|parts?|rest|control|post|detachment|"
                        r"station|compound|barracks|facilities|buildings|offices|installations|palace)s?\s+"
                        r"(?:of\s+|in\s+|at\s+|over\s+)?(?:the\s+)?$", re.I)
_APPOSITION_PLACE = re.compile(r"^\s*(?:\(|,\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,3}(?:town|village|city|district|locality|"
                               r"settlement|base|port|hub|capital|township|municipality)\b|\s(?:town|village)\b|"
                               r",\s*(?:about\s+|some\s+|around\s+|roughly\s+)?\d+\s*(?:km|kilomet\w+|miles?)\s+"
                               r"(?:\w+\s+)?(?:of|from)\b)", re.I)  # "Rathedaung town", "Gambale, about 45 km east of"
_ADMIN_AFTER = re.compile(r"\s+(?:state|province|region|governorate|county|district)\b", re.I)
_CONTROL_OF = re.compile(r".*\bcontrol\s+(?:of|over)\s*$", re.I | re.S)
_TERRITORY_OBJ = re.compile(r"^\s*(?:(?:control\s+(?:of|over)|some|more|new|several|a\s+number\s+of|a\s+series\s+of|"
                            r"large|vast|the|lost|key|strategic|many|dozens\s+of|two|three|four|five|other|major|"
                            r"provincial|district|regional)\s+)*"
                            r"(?:territory|ground|areas?|positions?|villages?|localities|towns|settlements|hills?|"
                            r"swathes?|checkpoints?|locations?|outposts?|bases?|capitals|cities|(?:district\s+)?cent(?:re|er)s)\b",
                            re.I)
# "two more provincial capitals on Tuesday, Farah in the west and Pul-e-Khumri": the places that name the count
_COUNTED_LIST_GAP = re.compile(r"^\s*(?:in\s+the\s+(?:far\s+)?(?:north|south|east|west)\w*\s*)?(?:,|and|,\s*and)\s*$", re.I)
_MONTHS_DAYS = re.compile(r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
                          r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$")


def _unknown_names(text: str, base: int, pos: int, actors: list[ActorMention],
                   known: list[tuple[int, int]] = ()) -> list[PlaceMention]:
    from monitor.extract.countries import country_names
    from monitor.extract.normalize import fold
    from monitor.extract.places import COMMON_WORDS

    m = _NAMES_OBJ.match(text[pos:])
    if not m:
        return []
    out = []
    for nm in re.finditer(_NAME, m.group("names")):
        s, e = pos + m.start("names") + nm.start(), pos + m.start("names") + nm.end()
        surface = text[s:e]
        key = fold(surface)
        if not key or _MONTHS_DAYS.match(surface) or re.search(r"\d", text[e:e + 4]) or key.split()[0] in COMMON_WORDS or key in country_names() \
                or surface.split()[0].rstrip("-").lower() in ("al", "el") and len(key.split()) == 1 and key in COMMON_WORDS:
            continue
        if any(s + base < a.end and a.start < e + base for a in actors) or any(
                s + base < ke and ks < e + base for ks, ke in known) or _NOT_SETTLEMENT_AFTER.match(text[e:e + 40]):
            continue  # "the Azovstal steelworks", "Mishtenur hill": a works or a height, not a town
        out.append(PlaceMention(base + s, base + e, surface, key, (), False, False, False))
    return out


def _relative_object(text: str, base: int, vstart: int, places: list[PlaceMention]
                     ) -> tuple[PlaceMention, int] | None:
    """"Y, which X captured": the place Y and where the relative clause starts."""
    before = [p for p in places if p.end - base <= vstart and not p.wants_admin1 and not p.region]
    if not before:
        return None
    p = before[-1]
    # "Gwoza, the Borno state town which Boko Haram overran": the town, not the state that describes it
    m = re.match(r"\s*,?\s*(?:(?:the|a)\s+[^,;.()]{0,40}?\b(?:town|city|village|port|hub|capital)\s+)?(?:which|that)\s+"
                 r"(?P<subj>[^,;.()]{1,80}?)\s+(?:(?:had|has|have|first|later|briefly|once|also)\s+)*$",
                 text[p.end - base:vstart], re.I)
    return (p, p.end - base + m.start("subj")) if m else None


def _place_before(text: str, base: int, pos: int, places: list[PlaceMention],
                  actors: list[ActorMention] = ()) -> PlaceMention | None:
    """The subject place of a passive / "fell" verb at ``pos``: the nearest place before, same clause.

    A name the gazetteer lacks counts when the text calls it a place ("The town of Bunagana fell ...").
    """
    before = [p for p in places if p.end - base <= pos and not p.landmark]
    local = [p for p in before if not p.wants_admin1 and not p.region]
    if local and before and local[-1] is not before[-1] and len(text[local[-1].end - base:pos].split()) <= 8:
        before = local  # "Zaranj in south-western Nimruz province, were captured": the town, not its province
    m = re.search(r"\b(?:the\s+)?(?:town|city|village|hamlet|settlement|locality|district|base|camp|airport|port)\s+"
                  r"of\s+(" + _NAME + r")\s*(?:,[^,.;]{1,60},\s*)?(?:(?:has|had|have|was|were|is|now|also|"
                  r"reportedly|finally)\s+)*$", text[:pos]) or re.search(  # "Warduj district was captured"
        r"(?:^|[,;]\s+|\b(?:and|the)\s+)(" + _NAME + r")\s+(?:district|town|village|township)\s*(?:(?:has|had|have|was|were|"
        r"is|now|also|reportedly|finally)\s+)*$", text[:pos])
    if m and not any(p.start - base >= m.start(1) for p in before):
        s, e = m.start(1), m.end(1)
        if not any(base + s < a.end and a.start < base + e for a in actors):
            return PlaceMention(base + s, base + e, text[s:e], "", (), False, False, False, "town")
    if not before:
        return None
    p = before[-1]
    if re.search(r",\s*(?:(?:has|had|have|was|were|is|now|also)\s+)*$", text[p.end - base:pos]):
        # "The town, about 60 km north of ... the city of Mopti, was overrun": the place before the aside
        heads = [q for q in before[:-1] if re.match(r"\s*,[^;.!?]{0,140}$", text[q.end - base:p.start - base])
                 and text[q.end - base:q.end - base + 1] == ","]
        p = heads[0] if heads else p
    gap = text[p.end - base:pos]
    apposition = re.match(r"^\s*,[^;.!?]{0,140}?,\s*(?:(?:has|had|have|was|were|is|now|also)\s+)*$", gap)
    if (len(gap.split()) > 12 and not apposition) or re.search(r"[.;!?]", gap):
        return None  # "The town, about 60 km north of the army base at Sevare and the city of Mopti, was overrun"
    if re.search(r"\b(?:districts|villages|towns|areas|parts|neighbou?rhoods|localities|outposts|positions)\s+"
                 r"(?:[\w-]+\s+)?(?:in|of|around|across)\s+(?:the\s+)?(?:\w+\s+)?$", text[max(0, p.start - base - 60):p.start - base],
                 re.I):
        return None  # "several other districts in Kunduz have also fallen": the province only locates them
    # "Y, a town of 50,000, was captured" is fine; "Y said the town was captured" is not
    if re.search(r"\b(?:said|says|told|and|but|while|after|as|where)\b", gap, re.I) and not re.match(
            r"^\s*,[^,]*,\s*$", gap):
        return None
    return p


_CONTROLLED_BY = re.compile(r"(?:is|are|was|were)?\s*now\s+(?:\w+ly\s+)?controlled\s+by|"
                            r"(?:(?:is|are|was|were)\s+now|c(?:ame|omes)|f(?:ell|alls))\s+(?:\w+ly\s+)?under\s+(?:the\s+)?"
                            r"(?:(?:full|complete|total)\s+)?control\s+of", re.I)


_INSTITUTION = re.compile(r"\b(?:Parliament|Congress|Senate|Assembly|Council|Committee|Ministry|Bank|Company|Corporation|"
                          r"Agency|Authority|Party|Court|Commission|Board|Union|League|Media|Network|Group|Port|Airport|"
                          r"Airlines?|Refinery|Field|Mine|Dam|Internet|Telegram|Radio|Television|TV)\b")


def _initial_name(text: str, base: int, pos: int, actors: list[ActorMention]) -> PlaceMention | None:
    """"Bunagana is now controlled by M23 ...": a name the gazetteer lacks, alone before a control phrase at the
    head of the sentence, is the place (a person is "captured" or "in the hands of", not "controlled by")."""
    from monitor.extract.countries import country_names
    from monitor.extract.normalize import fold
    from monitor.extract.places import COMMON_WORDS

    m = re.fullmatch(r"\s*(?:The\s+(?:town|city|village)\s+of\s+)?(" + _NAME + r")\s*(?:(?:has|had|have|also|now)\s+)*",
                     text[:pos])
    if not m:
        return None
    s, e = m.span(1)
    key = fold(m.group(1))
    if not key or key.split()[0] in COMMON_WORDS or key in country_names() or _MONTHS_DAYS.match(m.group(1)) or \
            _INSTITUTION.search(m.group(1)) or any(
            base + s < a.end and a.start < base + e for a in actors):
        return None
    return PlaceMention(base + s, base + e, m.group(1), "", (), False, False, False, "town")


def _subject(c: Claim, text: str, base: int, vstart: int, vend: int, actors: list[ActorMention],
             floor: int = 0) -> None:
    """Fill the claim's taker from the words before the verb (or after a fronted gerund clause)."""
    head = without_open_quote(text[floor:vstart])  # "his forces had 'liberated'": the quote is no word
    # the clause the verb belongs to: after the last ';' or reporting verb ("X said the rebels captured")
    cuts = [m for m in re.finditer(r";|(?<!was )(?<!were )(?<!is )(?<!are )(?<!been )\b(?:said|says|say|told|reported|"
                                   r"claimed|claims?|added|stated|announced)\s+(?!to\b)(?:that\s+)?|"
                                   r"\b(?:who|which|that)\s+(?:had\s+|have\s+|has\s+)?(?=\w+$)", head, re.I)]
    cut = cuts[-1].end() if cuts else 0
    if cuts and re.fullmatch(r"\s*(?:(?:on\s+)?[A-Z]\w+day\s+|(?:yesterday|today|overnight)\s+)?(?:they|it|he|she|we)\s+"
                             r"(?:(?:had|have|has|now|also|already)\s+)*" + _OQ + r"?", head[cut:], re.I):
        cut = 0  # "Syrian rebels claim they captured": the reporting subject is the taker
        rep = cuts[-1].start()
        head = head[:rep]
        speaker = [a for a in actors if base + floor <= a.start and a.end <= base + rep and not a.generic_state
                   and a.actor_ids and not _COUNTRY_OF_GROUP.match(text[a.end - base:rep])  # not "Sudan's paramilitary group"
                   and (not _PREP_BEFORE.search(text[max(0, a.start - base - 40):a.start - base])  # nor "forces in Chad"
                        or _LED_BY.search(text[max(0, a.start - base - 60):a.start - base]))]  # but "fighters led by X"
        if speaker and not re.search(r"[;,:(]|\b(?:after|before|when|while|as|and|but|since|who|which|that)\b",
                                     text[speaker[-1].end - base:rep], re.I):
            c.actors = [speaker[-1]]  # "Russia's defence ministry announced it had taken the town": Russia
            return
    lo = base + floor + cut
    cands = [a for a in actors if lo <= a.start and a.end <= base + vstart and _subject_like(a, text, base)
             and not _driven_out(a, text, base)]
    if re.search(r"\b(?:(?:it|they|he|she)|(?:its|their|his|her)\s+(?:own\s+)?(?:forces|troops|fighters|units|men|"
                 r"soldiers))\s+(?:(?:had|have|has|was|were|is|are|now|also|then|later|first|eventually)\s+)*$",
                 head, re.I):
        # "Russia's biggest gain since it captured Bakhmut": the pronoun stands for the last actor named
        # (not a possessive or the group driven out: "they drove Haftar's fighters out of X, and they entered Y")
        they = re.search(r"\bthey\s+(?:\w+\s+)*$", head, re.I) is not None  # "its forces" may be "Russia's"
        before = [a for a in actors if base <= a.start and a.end <= base + vstart and not a.generic_state
                  and (not they or _subject_like(a, text, base) and not _driven_out(a, text, base))
                  and not _COUNTRY_OF_GROUP.match(text[a.end - base:vstart])]
        if before:
            c.actors = [before[-1]]
            return
        if re.search(r"\bthey\s+(?:(?:had|have|has|was|were|is|are|now|also|then|later|first|eventually)\s+)*$",
                     head, re.I) and not [a for a in actors if base + floor <= a.start and a.end <= base + vstart
                                          and not a.generic_state  # "killed soldiers ... as they captured": not them
                                          and _subject_like(a, text, base) and not _driven_out(a, text, base)]:
            c.subject_pronoun = True  # "they seized it": the pipeline looks back to the previous sentence
            # a generic noun before "they" is its antecedent only as a subject ("Rebels attacked X and they took it"),
            # not inside an object ("they drove the last of Haftar's fighters out of X, and they entered Y")
            span_text = text[floor + cut:vstart]
            first = next((g for g in _GENERIC_ANY.finditer(span_text)
                          if not _PREP_BEFORE.search(span_text[max(0, g.start() - 40):g.start()])
                          and not _MODIFIER_AFTER.match(span_text[g.end():])
                          and not _DRIVEN_BEFORE.search(span_text[max(0, g.start() - 60):g.start()])
                          and not re.search(r"['’]s?\s+$", span_text[:g.start()])), None)
            if first is not None:
                c.subject_pronoun = False
                c.actor_generic = "non_state" if _GENERIC_NON_STATE.fullmatch(first.group()) else "state"
                c.generic_head = first.group().lower() if c.actor_generic == "non_state" else None
                return
    if cands and re.search(r"\band\s+(?:(?:then|subsequently|later|also|eventually|reportedly|finally|"
                           r"quickly|soon)\s+)*$", head[cut:]):
        # a coordinated verb ("X repelled an attack ... and then captured Y"): the clause's first subject
        first_gap = text[floor + cut:cands[0].start - base]
        if not re.search(r"\b(?:and|but|while|as)\b", first_gap, re.I):
            cands = _leading_chain(cands, text, base)
    cands = _allied_subjects([_owner(a, text, base, actors) for a in cands], text, base)
    cands = [c2 for i, c2 in enumerate(cands) if not (  # "forces loyal to X": X, not the state's "forces"
        c2.generic_state and i + 1 < len(cands) and _stand_in(c2, text, base, actors) is cands[i + 1])]
    if cands:
        chain = [cands[-1]]
        for a in reversed(cands[:-1]):
            gap = text[a.end - base:chain[0].start - base]
            if _CHAIN_GAP.match(gap) or re.fullmatch(r"\s*(?:,\s*)?(?:[\w'’-]+\s+){0,3}in\s+\w+\s*,?\s*", gap):
                chain.insert(0, a)
            else:
                break
        c.actors = _dedupe(chain)
        return
    span_text = text[floor + cut:vstart]
    unknown = _UNKNOWN_GROUP.findall(span_text)
    if unknown:
        c.actor_unknown = re.sub(r"^the\s+", "", unknown[0]).strip()
        return
    if c.subject_pronoun:
        return  # "they" with no generic subject before it: the pipeline looks back
    if re.search(r"\band\s+(?:(?:then|subsequently|later|also|eventually|reportedly|finally|quickly|soon)\s+)*$",
                 span_text):
        # "Rebels attacked the army base ... and overran it": the clause's first generic subject
        first = next((m for m in _GENERIC_ANY.finditer(span_text)
                      if not _PREP_BEFORE.search(span_text[max(0, m.start() - 40):m.start()])
                      and not _MODIFIER_AFTER.match(span_text[m.end():])), None)
        if first is not None:
            c.actor_generic = "non_state" if _GENERIC_NON_STATE.fullmatch(first.group()) else "state"
            c.generic_head = first.group().lower() if c.actor_generic == "non_state" else None
            return
    g = _generic_in(span_text)
    if g:
        c.actor_generic = g
        heads = _GENERIC_NON_STATE.findall(span_text)
        c.generic_head = heads[-1].lower() if heads and g == "non_state" else None
        return
    # fronted gerund: "By taking Y, the militants ..." / "After seizing Y, rebels ..."
    if re.match(r"\s*(?:by|after|upon|on|since|having)\s*$", span_text, re.I):
        comma = text.find(",", vend)
        if comma != -1:
            lead = re.match(r",\s*(?:[\w'’-]+\s+){0,4}", text[comma:])  # the main clause's subject
            tail_lo, tail_hi = base + comma, base + comma + lead.end()
            after = [a for a in actors if tail_lo <= a.start < tail_hi]
            if after:
                c.actors = [after[0]]
            else:
                c.actor_generic = _generic_in(lead.group())
                heads = _GENERIC_NON_STATE.findall(lead.group())
                c.generic_head = heads[0].lower() if heads and c.actor_generic == "non_state" else None


_ADJECTIVAL_AFTER = re.compile(
    r"^(?:-(?:held|controlled|led|backed|allied|linked|affiliated|run|occupied)\b|\s+(?:attacks?|assaults?|offensives?|"
    r"incursions?|advances?|positions?|checkpoints?|territory|areas?|strongholds?|front(?:line)?s?|lines|shelling|"
    r"bombardments?|raids?|ambush(?:es)?|counter-?attacks?|push|siege|control|rule|presence|bases?|camps?)\b)", re.I)


_LOYAL_TO = re.compile(r"\s+(?:(?:who\s+are|which\s+are)\s+)?(?:loyal|allied|affiliated|aligned|belonging|close)\s+"
                       r"(?:to|with)\s+(?:the\s+)?(?:[\w'’-]+['’]s\s+)?$", re.I)
_ALLIED_ADJ = re.compile(r"^-(?:allied|aligned|affiliated|loyal|loyalist)\s+(?:[\w'’-]+\s+)?(?:forces|fighters|troops|"
                         r"militias?|militiamen|units|groups?|rebels|tribesmen|brigades|factions|soldiers|gunmen)\b", re.I)


def _stand_in(a: ActorMention, text: str, base: int, actors: list[ActorMention]) -> ActorMention:
    """The actor a mention stands for: "forces loyal to X" / "troops allied to X" are X's side."""
    if a.generic_state or not a.actor_ids:
        for b in actors:
            if b.start >= a.end and b.actor_ids and not b.generic_state and _LOYAL_TO.match(
                    text[a.end - base:b.start - base]):
                return b
    return a


def _allied_subjects(cands: list[ActorMention], text: str, base: int) -> list[ActorMention]:
    """"GNA-allied forces", "Haftar-aligned fighters": the named actor is the subject, not the generic head noun."""
    out: list[ActorMention] = []
    for a in cands:
        if a.generic_state and out and _ALLIED_ADJ.match(text[out[-1].end - base:a.end - base]):
            continue  # the head noun of "X-allied forces": X already stands for it
        out.append(a)
    return out


def _owner(a: ActorMention, text: str, base: int, actors: list[ActorMention]) -> ActorMention:
    """"its troops" / "their forces": the actor named before that the pronoun stands for."""
    if a.generic_state and re.search(r"\b(?:its|their)\s+(?:own\s+)?$", text[max(0, a.start - base - 12):a.start - base],
                                     re.I):
        named = [b for b in actors if b.end <= a.start and b.actor_ids and not b.generic_state]
        if named:
            return named[-1]
    return a


def _leading_chain(cands: list[ActorMention], text: str, base: int) -> list[ActorMention]:
    chain = [cands[0]]
    for a in cands[1:]:
        if _CHAIN_GAP.match(text[chain[-1].end - base:a.start - base]):
            chain.append(a)
        else:
            break
    return chain


_DRIVEN_BEFORE = re.compile(r"\b(?:drove|driven|drive|drives|driving|pushed|forced|expelled|ousted|kicked|routed|chased|"
                            r"flushed|evicted|dislodged|cleared)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", re.I)


def _driven_out(a: ActorMention, text: str, base: int) -> bool:
    """"X drove Boko Haram out of Y and took the town": the one driven out is an object, not a later verb's subject."""
    return bool(_DRIVEN_BEFORE.search(text[max(0, a.start - base - 60):a.start - base])
                and re.match(r"[\w\s'’-]{0,30}?\b(?:out\s+of|from)\b", text[a.end - base:a.end - base + 40], re.I))


def _giver_as_previous(c: Claim, text: str, base: int, m: re.Match[str], actors: list[ActorMention]) -> None:
    """The subject of a withdraw / hand-over verb ``m`` is the claim's previous holder."""
    giver = Claim(c.sentence, c.place, "gain", c.voice, c.trigger)
    _subject(giver, text, base, m.start(), m.end(), actors)
    c.previous, c.previous_generic = giver.actors, giver.actor_generic
    c.previous_head = giver.generic_head if giver.actor_generic == "non_state" else None


_STATE_GENERIC_WORDS = r"army|troops|soldiers|government\s+forces|regime\s+forces|security\s+forces|military|junta|loyalists?"
_GENERIC_ANY = re.compile(r"\b(?:" + _STATE_GENERIC_WORDS + "|" + _GENERIC_NS_WORDS + r")\b", re.I)
# "the army base", "army positions": the noun is a modifier here
_MODIFIER_AFTER = re.compile(r"\s+(?:base|camp|barracks|post|positions?|checkpoints?|headquarters|vehicles?|convoy|"
                             r"garrison|outposts?|depot|chief|commander|spokes(?:man|woman|person))\b", re.I)


def _subject_like(a: ActorMention, text: str, base: int) -> bool:
    rel_start, rel_end = a.start - base, a.end - base
    if a.generic_state and _MODIFIER_AFTER.match(text[rel_end:rel_end + 30]):
        return False  # "attacked the army base": not the subject
    before = text[:rel_start]
    if before.rfind("(") > before.rfind(")"):
        return False  # "Resistance forces (coded as Southern Resistance) took": an aside, not the subject
    if text[rel_end:rel_end + 2] in ("'s", "’s") or text[rel_end:rel_end + 1] in ("'", "’"):
        return False
    if _ALLIED_ADJ.match(text[rel_end:rel_end + 40]) and not a.generic_state:
        return True  # "GNA-allied forces": the named side
    if _ADJECTIVAL_AFTER.match(text[rel_end:rel_end + 30]) and not a.generic_state:
        return False  # "a pro-Houthi attack", "IS-held territory": a modifier, not a subject
    if re.search(r"\b(?:forces|fighters|troops|units|militias?|militiamen|members|rebels|soldiers|men|tribesmen|"
                 r"gunmen)\s+(?:(?:who\s+are|which\s+are)\s+)?(?:loyal|allied|affiliated|aligned|belonging|close)\s+"
                 r"(?:to|with)\s+(?:the\s+)?(?:[\w'’-]+['’]s\s+)?$|\b(?:forces|fighters|troops|units|rebels|members|"
                 r"militants|militiamen|soldiers)\s+(?:of|from)\s+(?:the\s+)?(?:[\w'’]+-[\w'’-]+\s+)?$",
                 text[max(0, rel_start - 60):rel_start], re.I):
        return True  # "forces loyal to the GNA", "fighters of the Azawad Liberation Front"
    if _LED_BY.search(text[max(0, rel_start - 60):rel_start]):
        return True  # "opposition fighters led by Hayat Tahrir al-Sham"
    return not _PREP_BEFORE.search(text[max(0, rel_start - 40):rel_start])


def _from_previous(c: Claim, text: str, base: int, place: PlaceMention, actors: list[ActorMention],
                   after_pos: int | None = None) -> None:
    pos = (place.end - base) if after_pos is None else max(after_pos, place.end - base)
    m = re.match(r"[^.;]{0,60}?\b(?:from|of)\s+", text[pos:])
    if not m or (m.group().strip().lower().endswith("of") and not re.search(r"\b(?:cleared|clearing|clears)\b",
                                                                               text[:pos], re.I)):
        m = re.match(r"[^.;]{0,60}?\bfrom\s+", text[pos:])
    if not m:
        w = _WITHDREW_AFTER.search(text, pos)
        if w:
            lo, hi = base + w.start("who"), base + w.end("who")
            hits = [a for a in actors if lo <= a.start < hi]
            if hits:
                c.previous = [hits[0]]
            else:
                c.previous_generic = _generic_in(w.group("who"))
        return
    start = base + pos + m.end()
    hits = [a for a in actors if start <= a.start <= start + 40]
    if hits and not re.search(r"[,;]", text[pos + m.end():hits[0].start - base]):
        c.previous = [_stand_in(hits[0], text, base, actors)]
        return
    g = re.match(r"(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,2}?(" + _GENERIC_NS_WORDS + r"|army|government|regime|troops|soldiers|military|junta|forces)\b", text[pos + m.end():], re.I)
    if g and not hits:  # "from the rebels", "from government forces", "from the militants"
        head = g.group(1).lower()
        c.previous_generic = "state" if head in ("army", "government", "regime", "troops", "soldiers", "military",
                                                 "junta") else "non_state" if head != "forces" else None
        c.previous_head = head if c.previous_generic == "non_state" else None


_REPORTED_BY = re.compile(r"^[^.;]{0,40}?[,'’\"”]\s*(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){0,3}?$", re.I)
_WITHDREW_AFTER = re.compile(
    r"\b(?:as|after|forcing|and|while|with)\s+(?P<who>[^,.;]{2,60}?)\s+(?:were\s+|was\s+|had\s+|having\s+)?"
    r"(?:been\s+)?(?:forced\s+to\s+|to\s+)?(?:withdr\w+|retreat\w*|fled|flee|pull(?:ed)?\s+out|abandon\w*)", re.I)


def _actors_at(c: Claim, actors: list[ActorMention], pos: int, text: str, into: str) -> None:
    rel = c.sentence.start
    hits = [a for a in actors if pos <= a.start <= pos + 40
            and not re.match(r"-(?:held|controlled|led|backed|allied|linked|affiliated|run|occupied|aligned)\b",
                             text[a.end - rel:a.end - rel + 20], re.I)]
    if hits:
        chain = [_stand_in(hits[0], text, c.sentence.start, actors)]
        for a in hits[1:]:
            if a is chain[0]:
                continue
            if _CHAIN_GAP.match(text[chain[-1].end - c.sentence.start:a.start - c.sentence.start]):
                chain.append(a)
        setattr(c, into, _dedupe(chain))
        return
    rel = pos - c.sentence.start
    seg = text[rel:rel + 60]
    unknown = _UNKNOWN_GROUP.match(seg)
    if unknown:
        c.actor_unknown = re.sub(r"^the\s+", "", unknown.group(1)).strip()
        return
    g = _generic_in(" ".join(seg.split()[:4]))
    if g:
        c.actor_generic = g


def country_code_of(word: str) -> str | None:
    from monitor.extract.countries import country_code

    return country_code(word)


def _generic_in(span: str) -> str | None:
    if re.search(r"\b(?:army|troops|soldiers|government\s+forces|regime\s+forces|security\s+forces|military|"
                 r"junta|loyalist|coalition\s+(?:forces|troops)|(?:[A-Z][a-z]+\s+and\s+)?coalition\s+forces)\b", span, re.I) \
            or re.search(r"\b[A-Z][a-z]+(?:an|ian|ese|i)\s+and\s+coalition\s+forces\b", span):
        return "state"  # "Afghan and coalition forces": armies, not an armed group's coalition
    if _GENERIC_NON_STATE.search(span):
        return "non_state"
    return None


def _dedupe(chain: list[ActorMention]) -> list[ActorMention]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for a in chain:
        key = a.actor_ids or ("generic",)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def _mark(c: Claim, before: str) -> None:
    after = c.sentence.text[c.trigger[1] - c.sentence.start:]
    c.raid = c.kind in ("gain", "regain") and certainty.raid(after)
    c.blocked = certainty.blocked(before) or c.raid
    c.negated = certainty.negated(before) or certainty.denied_before(before)


def subordinate_before(text: str) -> bool:
    """True when ``text`` (between a trigger and a date) opens another clause."""
    return bool(_SUBORDINATE.search(text))


def subject_like(a: ActorMention, text: str, base: int) -> bool:
    """True when the mention can be a clause subject (not a possessive, modifier or prepositional object)."""
    return _subject_like(a, text, base)


def generic_side(span: str) -> str | None:
    """"state" / "non_state" for a generic armed noun in ``span`` ("the army", "rebels"), else None."""
    return _generic_in(span)


def generic_head(span: str) -> str | None:
    """The last generic non-state noun in ``span`` ("rebels")."""
    heads = _GENERIC_NON_STATE.findall(span)
    return heads[-1].lower() if heads else None
