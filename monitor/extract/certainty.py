"""How sure a reported change is: reported / claimed / unconfirmed / denied, and what is no change at all.

Pure pattern rules over one sentence:

- ``blocked``: the trigger verb is an aim, an attempt, a plan or a possibility ("aims to capture",
  "failed to take", "in a bid to retake", "could fall", "on the verge of capturing") — not a change;
- ``negated``: the trigger is negated ("has not fallen", "did not capture") — a denial, not a change;
- ``is_denial``: the sentence denies a change ("the army insists the town is not in rebel hands",
  "denied reports that ...", "remains under government control");
- ``attribution``: who says so — a neutral source or none (reported), one side of the fight
  (claimed), or hedged (unconfirmed).
"""

from __future__ import annotations

import re

from monitor.extract.text import without_open_quote

_ATTEMPT = re.compile(
    r"(?:\bto\s+(?:(?:fully|finally|quickly|eventually|completely|also|again|then|effectively)\s+)?$"
    r"|\b(?:could|would|will|shall|can|cannot|must|should|won['’]t|wouldn['’]t|couldn['’]t)\s+"
    r"(?:(?:soon|not|be|eventually|quickly|easily|also|still|now|never)\s+){0,2}$"
    r"|\b(?:if|unless|whether|once|until|till)\b[^,;]{0,60}$"
    r"|\b(?:aim\w*|goals?|verge|brink|intent\w*|purpose|hop(?:e|es|ing)|chances?|attempt\w*|efforts?|plans?|planning|"
    r"threat\w*|prospects?|possibility|fears?|risk\w*|capable|incapable|instead|rather\s+than|close|closer|"
    r"preparations?|preparing|bent|focus\w*|talk\w*|accused|suspected|idea|dream\w*|ambitions?|"
    r"designs?|objectives?|bid)\s+(?:\w+\s+){0,2}(?:of|at|on|for|in|to)\s+$"
    r"|\byet\s+to\s+$"
    r"|\b(?:briefly|temporarily|momentarily)\s+(?:\w+\s+)?$)",
    re.I,
)
_SUCCESS = re.compile(r"\b(?:managed|succeeded|able)\s+(?:\w+\s+)?(?:to|in)\s+$", re.I)
_NEGATION = re.compile(r"\b(?:not|never|n['’]t|neither|nor|yet\s+to|no\s+one|nobody)\b(?:\s+\w+){0,2}\s+$|"
                       r"\b(?:not|never|n['’]t)\s+(?:say|said|says|claim|claimed|confirm|confirmed|show|showed)\b"
                       r"[^.;,]{0,40}$", re.I)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ied|ies|ying)|dismiss(?:ed|es|ing)?\s+(?:the\s+|these\s+|such\s+)?(?:\w+\s+)?(?:claims?|reports?)|"
    r"reject(?:ed|s|ing)?\s+(?:the\s+|these\s+|such\s+)?(?:\w+\s+)?(?:claims?|reports?)|refut(?:ed|es|ing)|"
    r"insist(?:ed|s|ing)?\b[^.]{0,80}\b(?:not|remains?|still|firmly)\b|"
    r"insist(?:ed|s|ing)?\b[^.;]{0,80}\b(?:was|is|were|are)\s+(?:(?:safely|fully|firmly)\s+)?(?:in|under)\s+(?:the\s+)?"
    r"(?:government|army|state|military|its|our|their)\s+(?:hands|control)|"
    r"(?<!had\s)remain(?:s|ed)?\s+(?:firmly\s+|fully\s+)?(?:in|under)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:control|hands)|"
    r"still\s+(?:firmly\s+)?(?:in|under)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:control|hands)|"
    r"\b(?:retain(?:ed|s|ing)?|kept|keeps|maintain(?:ed|s))\s+(?:full\s+|firm\s+)?control\b|"
    r"\b(?:is|are)\s+(?:(?:safe|calm|secure)\s+and\s+)?(?:firmly\s+|fully\s+)?(?:in|under)\s+(?:the\s+)?"
    r"(?:full\s+|firm\s+)?control\s+of\s+(?:our|the\s+(?:army|military|government|security))|"
    r"(?:is|are|was|were)\s+not\s+in\s+control|(?:false|baseless|fabricated|untrue|fake)\s+(?:claims?|reports?|news)|"
    r"no\s+truth|(?:claims?|reports?)\s+(?:\w+\s+){0,3}(?:were|was|are|is)\s+(?:false|baseless|untrue|fabricated)|"
    r"\b(?:says?|said|insists?|insisted)\s+(?:that\s+)?(?:this|that|it)\s+(?:is|was)\s+(?:false|untrue|a\s+lie|not\s+true)\b|"
    r"(?:claims?|reports?)\b[^.;]{0,60}\bas\s+(?:false|baseless|untrue|fabricated|propaganda|a\s+ploy|lies)|"
    r"(?:had|has|have|was|were|is|are)\s+not\s+(?:been\s+)?(?:lost|fallen|captured|taken|overrun|seized)|"
    r"call(?:ed|s|ing)?\s+(?:the|this|that|these|such)\s+(?:claims?|reports?)\s+['‘\"“]?(?:a\s+|an\s+)?"
    r"(?:fabricat\w*|false|lies?|fake|propaganda|baseless|untrue|disinformation))",
    re.I,
)
_UNCONFIRMED = re.compile(
    r"\b(?:could\s+not\s+(?:be\s+)?(?:independently\s+)?(?:verif|confirm)\w*|unverified|unconfirmed|"
    r"not\s+(?:been\s+)?(?:independently\s+)?(?:verified|confirmed)|reportedly|reports?\s+(?:said|say|suggest\w*)|"
    r"rumou?rs?|allegedly|it\s+(?:was|is)\s+(?:not|un)\s*clear|unclear\s+whether|impossible\s+to\s+verify|"
    r"(?:is|are|was|were)\s+(?:reported|said|believed|thought|understood)\s+to\s+have|apparently|"
    r"if\s+(?:independently\s+)?(?:confirmed|verified|true|accurate))\b",  # "the capture, if confirmed, would ..."
    re.I,
)
_ATTRIB_VERB = r"(?:said|says|say|told|announced|claimed|claims|claim|reported|reports|stated|declared|confirmed|" \
               r"posted|tweeted|wrote|added)"
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<src>[^,.;]{2,80})", re.I)
_SAID_AFTER = re.compile(r"[,\"”’]\s*(?P<src>[^,.;\"“”]{2,100}?)\s+" + _ATTRIB_VERB + r"\b", re.I)
_SAID_BEFORE = re.compile(r"^(?P<src>[^,;\"“”]{2,100}?)\s+" + _ATTRIB_VERB + r"\b", re.I)
_SAID_TAIL = re.compile(r"[,\"”’]\s*" + _ATTRIB_VERB + r"\s+(?P<src>[^,.;]{2,100})", re.I)
_NEUTRAL = re.compile(
    r"\b(?:observatory|monitor\w*|witness\w*|residents?|locals?|sources?|officials?|agency|reuters|afp|"
    r"associated\s+press|ap|bbc|al\s+jazeera|journalists?|correspondents?|analysts?|acled|united\s+nations|un|"
    r"ocha|isw|institute|rights\s+group|activists?|medics?|doctors?|aid\s+workers?|humanitarian|security\s+sources|"
    r"diplomats?|experts?|researchers?|monitoring\s+group|elders?|villagers?|tribal)\b",
    re.I,
)
_PARTY = re.compile(
    r"\b(?:spokes(?:man|woman|person)|media\s+(?:office|wing|arm|outlet)|statement|ministry|military|army|command\w*|"
    r"militants?|rebels?|insurgents?|jihadists?|fighters?|group|amaq|telegram|state\s+(?:media|television|tv|news)|"
    r"government|authorities|president|governor|regime|forces|troops|junta|general\s+staff|propaganda|"
    r"official\s+news\s+agency|sana|tass|ria|militia)\b",
    re.I,
)
_CLAIM_VERB = re.compile(r"\bclaim(?:ed|s|ing)?\b(?!\s+(?:the\s+)?lives)", re.I)


def blocked(before_trigger: str) -> bool:
    """True when the words just before a trigger make it an aim, attempt or possibility, not a fact."""
    tail = without_open_quote(before_trigger[-120:])  # "vowed to 'liberate' X": the quote is no word
    if _SUCCESS.search(tail):
        return False
    return bool(_ATTEMPT.search(tail))


_RAID_AFTER = re.compile(
    r"\b(?:before\s+(?:withdrawing|retreating|pulling\s+(?:out|back)|fleeing|leaving|being\s+(?:driven|pushed|forced|"
    r"repelled|beaten)\b)|(?:then|later|subsequently)\s+(?:withdr[ae]w|withdraws|retreat(?:ed|s)?|pull(?:ed|s)?\s+(?:out|back)|"
    r"left|leaves?)\b|"
    # "Insurgents who overran X on Wednesday ... had left by Thursday evening"
    r"(?<!troops\s)(?<!soldiers\s)(?<!forces\s)(?<!army\s)(?<!police\s)(?<!government\s)"
    r"\bhad\s+(?:since\s+|already\s+)?(?:left|withdrawn|pulled\s+(?:out|back))\s+(?:again\s+)?by\b|"
    r"(?:were|was)\s+(?:later\s+|then\s+|soon\s+)?(?:driven|pushed|forced|beaten)\s+(?:out|back)|"
    # the defenders came back the same day: "before troops backed by jets drove them out"
    r"before\s+(?:[\w'’-]+\s+){1,6}?(?:drove|pushed|forced|chased|flushed|beat|kicked)\s+them\s+(?:out|back)|"
    # a stay counted in hours, or a departure the text dates: "for several hours", "and left at dawn"
    r"for\s+(?:several|a\s+few|some|a\s+couple\s+of|\d+|two|three|four|five|six)\s+hours|"
    # "but pulled out again by the evening", "withdrew again the same night": left the place they had just taken
    r"\b(?:but|and|then|before)\s+(?:\w+\s+)?(?:pulled\s+(?:out|back)|withdrew|retreated|left|abandoned\s+it)\s+"
    r"(?:again\b|(?:\w+\s+)?(?:by|at|before|the\s+same)\s+(?:the\s+)?(?:evening|nightfall|dusk|night|sunset|"
    r"afternoon|end\s+of\s+the\s+day|day)\b)|"
    r"(?:and|then|before)\s+(?:left|withdrew|pulled\s+out|retreated)\s+(?:\w+\s+){0,2}?(?:at\s+(?:dawn|daybreak|"
    r"nightfall)|(?:hours|a\s+day)\s+later|the\s+(?:next|following)\s+(?:day|morning)))", re.I)


def raid(after_trigger: str) -> bool:
    """True when the attackers left again in the same breath ("overran the post ... before withdrawing")."""
    m = _RAID_AFTER.search(after_trigger[:260])
    return bool(m) and not re.search(r"\b(?:after|as|when)\b", after_trigger[:m.start()], re.I)


def negated(before_trigger: str) -> bool:
    tail = before_trigger[-60:]
    return bool(_NEGATION.search(tail)) and not re.search(r"\bno\s+longer\s+$", tail, re.I)


def denied_before(before_trigger: str) -> bool:
    """True when the trigger sits inside what a denial verb denies ("denied that rebels had captured")."""
    return bool(re.search(r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:ed|es)?|reject(?:ed|s)?|refut(?:ed|es))\b"
                          r"(?:(?!\b(?:but|however|although|while)\b)[^.;])*$", before_trigger, re.I))


def is_denial(sentence: str) -> bool:
    return bool(_DENIAL.search(sentence))


def source_kind(sentence: str, party_spans: list[tuple[int, int]] = ()) -> str:
    """Who a sentence says it from: 'neutral', 'party' (a side of the fight) or 'none' (the reporter's own)."""
    sources: list[tuple[int, int]] = []
    for pattern in (_ACCORDING, _SAID_AFTER, _SAID_BEFORE, _SAID_TAIL):
        for m in pattern.finditer(sentence):
            sources.append(m.span("src"))
    if not sources:
        return "none"
    neutral = party = False
    for s, e in sources:
        src = sentence[s:e]
        if _NEUTRAL.search(src):
            neutral = True
        if _PARTY.search(src) or any(s <= ps < e for ps, _ in party_spans):
            party = True
    return "party" if party and not neutral else "neutral"


def attribution(sentence: str, party_spans: list[tuple[int, int]] = (), trigger: int | None = None) -> str:
    """'reported', 'claimed' or 'unconfirmed' for one sentence reporting a change.

    The labelling convention of ``eval/README.md``: a side's own statement that nobody disputes is
    *reported* (a dispute elsewhere in the article turns it into *claimed*, see ``dispute``); *claimed*
    here means the text itself calls it a claim; *unconfirmed* means the text hedges it.
    """
    for m in _CLAIM_VERB.finditer(sentence):
        if trigger is None or (m.start() < trigger and not re.search(r"[;]|\b(?:after|before|since|when|while|but)\b",
                                                                      sentence[m.end():trigger], re.I)) \
                or (m.start() >= trigger and not re.search(r"\b(?:after|before|since|when|while|but)\b",
                                                            sentence[trigger:m.start()], re.I)):
            return "claimed"  # the claim verb governs this trigger's clause
    for m in _UNCONFIRMED.finditer(sentence):
        if trigger is not None and m.start() > trigger and re.fullmatch(r"reportedly|allegedly|apparently", m.group(), re.I) \
                and (re.search(r";|\band\b", sentence[trigger:m.start()])
                     or re.match(r"\s+\w+ing\b", sentence[m.end():]) and sentence[:m.start()].rstrip().endswith(",")):
            continue  # "..., and reportedly secured the airport", "..., reportedly killing dozens": hedges its own verb
        return "unconfirmed"
    return "reported"


_DISPUTE = re.compile(
    r"\b(?:said|says|insisted|insists|maintained|stressed|added)\b[^.;]{0,100}\b(?:still\s+(?:(?:held|holding|holds?)\b"
    r"(?!\s+(?:\w+\s+)?positions?\s+[^.;]{0,30}?\b(?:km|kilomet\w+|miles?|outside|west|east|north|south|near|"
    r"around|beyond|outskirts)\b)|"  # "still holding positions a few kilometres to the west": elsewhere
    r"fighting|in\s+control|controls?|controlled|defending|in\s+the\s+city|in\s+the\s+town)|"
    r"fighting\s+(?:was\s+|is\s+)?continu\w*|continu\w*\s+(?:to\s+)?(?:fight|hold|resist))|"
    r"\bclaims?\b[^.;]{0,40}\b(?:rejected|denied|dismissed|disputed|refuted)\b|\bwere\s+still\s+fighting\b|"
    # the holder says the assault failed: "the army said the attack on its positions in X had been repelled"
    r"\b(?:said|says|insisted|insists|maintained|stressed|added)\b[^.;]{0,60}\b(?:attacks?|assaults?|offensive|raids?|"
    r"incursions?|attempts?)\b[^.;]{0,60}\b(?:had\s+been|has\s+been|have\s+been|was|were)\s+(?:\w+\s+)?"
    r"(?:repelled|repulsed|beaten\s+back|pushed\s+back|thwarted|foiled)\b",
    re.I,
)
_WITNESS = re.compile(r"\b(?:residents?|witnesses?|footage|geolocated|satellite|independent|analysts?|correspondents?|"
                      r"reporters?|journalists?|locals?)\b", re.I)
_STILL_HELD = re.compile(r"\b(?:still|remain\w*|retain\w*|patroll\w*|deployed|held|holding|in\s+control|calm|open|only\s+in|"
                         r"(?:soldiers|troops|forces|units)\s+(?:were\s+)?(?:in|inside)\s+the\s+(?:centre|center|"
                         r"town|city|streets))\b", re.I)


_CONCESSION = re.compile(
    r"\b(?:fighting|trying|working|struggling|seeking|attempting|battling)\s+to\s+(?:regain|retake|recapture|win\s+back|"
    r"take\s+back)|\b(?:acknowledged|admitted|conceded)\b|\b(?:said|says)\s+(?:it|they|its\s+\w+|their\s+\w+)\s+"
    r"(?:had|have|has)\s+(?:been\s+)?(?:withdrawn|pulled\s+(?:back|out)|retreated|redeployed)|"
    r"\bpulled\s+back\s+to\s+avoid\b", re.I)


def concession(sentence: str) -> bool:
    """The losing side concedes the loss ("said they had pulled back", "fighting to regain control")."""
    return bool(_CONCESSION.search(sentence))


_ACCUSATION = re.compile(
    r"\baccus(?:ed|es|ing|ations?)\b[^.;]{0,80}?\bof\s+(?:backing|supporting|arming|funding|financing|aiding|"
    r"helping|harbou?ring|sponsoring|sending|training|equipping)\b[^.;]{0,80}\b(?:which|who|something|a\s+charge|"
    r"an\s+accusation)\b[^.;]{0,40}\bden(?:y|ies|ied)\b|"
    r"\bden(?:y|ies|ied|ying)\s+(?:\w+\s+){0,3}?(?:backing|supporting|arming|funding|financing|aiding|sponsoring|"
    r"training|equipping)\b|"
    r"\bden(?:y|ies|ied|ying)\s+(?:\w+\s+){0,2}?(?:role|involvement|links?|ties|connections?|responsibility)\b", re.I)


def denies_accusation(sentence: str) -> bool:
    """The denial is of an accusation about someone's role ("accuses Rwanda of backing the rebels, which Kigali
    denies"), not of a change of hands."""
    return bool(_ACCUSATION.search(sentence))


_UNVERIFIED_NOTE = re.compile(
    r"(?:^\W*|\b(?:and|but|while)\s+)(?:the|this|that|these|those|its|their|such|the\s+group['’]s)\s+(?:\w+\s+){0,2}?(?:claims?|reports?|"
    r"accounts?|statements?|assertions?|footage|videos?|pictures?|images?)\s+(?:could|can|has|have|had|was|were|is|are)"
    r"(?:\s+not|n['’]t)\s+(?:yet\s+)?(?:be\s+|been\s+)?(?:independently\s+)?(?:verified|confirmed)\b", re.I)


def unverified_note(sentence: str) -> bool:
    """A sentence that says the one before it is unverified ("The claim could not be independently verified.")."""
    return bool(_UNVERIFIED_NOTE.search(sentence))


def dispute_spans(sentence: str) -> list[tuple[int, int]]:
    """Where the sentence disputes or denies (spans of the matching phrases)."""
    return [m.span() for pattern in (_DENIAL, _DISPUTE) for m in pattern.finditer(sentence)]


def dispute(sentence: str) -> bool:
    """The sentence denies or disputes a change ("denied the town had fallen", "said fighting continued")."""
    return bool(_DENIAL.search(sentence) or _DISPUTE.search(sentence))


def contrast_tail(sentence: str) -> str:
    """What follows the last "but" / "however" / "yet" ("X claimed Y, but residents said ..."), else ''."""
    parts = re.split(r"\b(?:but|however|yet)\b", sentence, flags=re.I)
    return parts[-1] if len(parts) > 1 else ""


def confirms_holder(sentence: str) -> bool:
    """Independent eyes say the holder still holds ("Residents said soldiers were patrolling the streets")."""
    return bool(_WITNESS.search(sentence) and _STILL_HELD.search(sentence))
