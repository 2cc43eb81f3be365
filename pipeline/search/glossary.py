"""English → Swedish glossary of public-sector words, for cross-lingual lexical search.

BM25 cannot match an English question to Swedish text. Translating the question word by
word with a glossary of the vocabulary of Swedish regions and municipalities (governance,
budget, health care, regional development, planning) gives the lexical side Swedish terms
to match, while the multilingual embedding model still carries the meaning. Words the
glossary does not know are kept as they are: names, numbers and acronyms ("Cosmic",
"2026", "SKR") match in any language.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    # governance and documents
    "region": "region", "regional": "regional", "county": "län", "municipality": "kommun",
    "municipalities": "kommuner", "council": "fullmäktige", "assembly": "fullmäktige",
    "board": "styrelse", "committee": "nämnd", "committees": "nämnder", "government": "regeringen",
    "state": "staten", "parliament": "riksdagen", "politicians": "politiker", "political": "politisk",
    "party": "parti", "parties": "partier", "majority": "majoritet", "opposition": "opposition",
    "member": "ledamot", "members": "ledamöter", "chair": "ordförande", "chairman": "ordförande",
    "director": "direktör", "decision": "beslut", "decide": "besluta", "decided": "beslutade",
    "plan": "plan", "plans": "planer", "strategy": "strategi", "strategic": "strategisk",
    "strategies": "strategier", "programme": "program", "program": "program", "policy": "policy",
    "vision": "vision", "values": "värdegrund", "goal": "mål", "goals": "mål", "target": "mål",
    "targets": "mål", "objective": "mål", "objectives": "mål", "aim": "mål", "indicator": "indikator",
    "indicators": "indikatorer", "assignment": "uppdrag", "assignments": "uppdrag", "task": "uppdrag",
    "mission": "uppdrag", "report": "rapport", "follow": "uppföljning", "evaluation": "utvärdering",
    "steering": "styrning", "governance": "styrning", "management": "ledning", "organisation": "organisation",
    "organization": "organisation", "press": "press", "release": "pressmeddelande", "document": "dokument",
    "development": "utveckling", "developing": "utveckla", "develop": "utveckla", "growth": "tillväxt",
    "sustainable": "hållbar", "sustainability": "hållbarhet", "cooperation": "samverkan",
    "collaboration": "samverkan", "dialogue": "dialog", "citizens": "medborgare", "citizen": "medborgare",
    "residents": "invånare", "inhabitants": "invånare", "population": "befolkning", "people": "människor",
    "women": "kvinnor", "men": "män", "young": "unga", "youth": "unga", "children": "barn",
    "elderly": "äldre", "older": "äldre", "equality": "jämställdhet", "equal": "jämlik",
    "gender": "jämställdhet", "diversity": "mångfald", "integration": "integration",
    "minorities": "minoriteter", "sami": "samer", "civil": "civil", "society": "samhälle",
    # economy and budget
    "budget": "budget", "budgets": "budget", "economy": "ekonomi", "economic": "ekonomisk",
    "financial": "ekonomisk", "finance": "finansiering", "financing": "finansiering", "frame": "ram",
    "framework": "ram", "allocation": "anslag", "appropriation": "anslag", "grant": "bidrag",
    "grants": "bidrag", "subsidy": "bidrag", "funding": "finansiering", "money": "pengar",
    "cost": "kostnad", "costs": "kostnader", "expenses": "kostnader", "income": "intäkter",
    "revenue": "intäkter", "revenues": "intäkter", "tax": "skatt", "taxes": "skatter",
    "result": "resultat", "surplus": "överskott", "deficit": "underskott", "balance": "balans",
    "investment": "investering", "investments": "investeringar", "loan": "lån", "debt": "skuld",
    "pension": "pension", "pensions": "pensioner", "salary": "lön", "salaries": "löner", "wage": "lön",
    "wages": "löner", "price": "pris", "prices": "priser", "inflation": "inflation", "forecast": "prognos",
    "forecasts": "prognos", "million": "miljoner", "billion": "miljarder", "percent": "procent",
    "share": "andel", "proportion": "andel", "increase": "öka", "increased": "ökad",
    "decrease": "minska", "reduce": "minska", "reduced": "minskad", "year": "år", "years": "år",
    "annual": "årlig", "per": "per", "companies": "bolag", "company": "bolag", "businesses": "företag",
    "business": "företag", "enterprises": "företag", "industry": "näringsliv", "labour": "arbetskraft",
    "labor": "arbetskraft", "market": "marknad", "jobs": "jobb", "employment": "sysselsättning",
    "unemployment": "arbetslöshet", "employer": "arbetsgivare", "employees": "anställda",
    "staff": "personal", "personnel": "personal", "workforce": "arbetskraft", "recruitment": "rekrytering",
    "competence": "kompetens", "skills": "kompetens", "supply": "försörjning", "hired": "inhyrd",
    "agency": "bemanning", "remote": "distans", "remotely": "distans", "work": "arbete", "working": "arbete",
    # health care
    "health": "hälsa", "healthcare": "vård", "care": "vård", "hospital": "sjukhus", "hospitals": "sjukhus",
    "patient": "patient", "patients": "patienter", "primary": "primärvård", "dental": "tandvård",
    "medicine": "läkemedel", "medicines": "läkemedel", "drugs": "läkemedel", "pharmaceutical": "läkemedel",
    "psychiatry": "psykiatri", "psychiatric": "psykiatrisk", "mental": "psykisk", "illness": "ohälsa",
    "disease": "sjukdom", "diseases": "sjukdomar", "cancer": "cancer", "pandemic": "pandemi",
    "vaccination": "vaccination", "emergency": "akut", "ambulance": "ambulans", "medical": "medicinsk",
    "records": "journal", "journal": "journal", "system": "system", "digital": "digital",
    "digitalisation": "digitalisering", "digitalization": "digitalisering", "waiting": "väntetid",
    "accessibility": "tillgänglighet", "access": "tillgänglighet", "available": "tillgänglig",
    "nurses": "sjuksköterskor", "doctors": "läkare", "quality": "kvalitet", "safety": "säkerhet",
    "support": "stöd", "person": "person", "persons": "personer",
    # society, planning and infrastructure
    "housing": "bostäder", "homes": "bostäder", "dwellings": "bostäder", "build": "bygga",
    "building": "byggnad", "buildings": "byggnader", "art": "konst", "culture": "kultur",
    "cultural": "kultur", "museum": "museum", "sport": "idrott", "sports": "idrott", "leisure": "fritid",
    "education": "utbildning", "school": "skola", "schools": "skolor", "university": "universitet",
    "students": "studenter", "research": "forskning", "innovation": "innovation", "innovations": "innovationer",
    "transport": "transport", "transports": "transporter", "traffic": "trafik", "railway": "järnväg", "rail": "järnväg", "road": "väg", "roads": "vägar", "airport": "flygplats",
    "broadband": "bredband", "internet": "bredband", "households": "hushåll", "coast": "kust",
    "coastal": "kust", "inland": "inland", "rural": "landsbygd", "countryside": "landsbygd",
    "city": "stad", "cities": "städer", "environment": "miljö", "climate": "klimat",
    "emissions": "utsläpp", "greenhouse": "växthusgaser", "energy": "energi", "electricity": "el",
    "renewable": "förnybar", "fossil": "fossil", "green": "grön", "transition": "omställning",
    "industrial": "industri", "mining": "gruv", "tourism": "turism", "defence": "försvar",
    "defense": "försvar", "crisis": "kris", "preparedness": "beredskap", "security": "säkerhet",
    "arctic": "arktisk", "europe": "europa", "european": "europeisk", "eu": "eu", "welcoming": "välkomnande",
    "attractive": "attraktiv", "lives": "bor", "live": "bo", "living": "boende", "move": "flytta",
    "migration": "flyttnetto", "challenges": "utmaningar",
    "challenge": "utmaning", "opportunities": "möjligheter", "measures": "åtgärder", "actions": "åtgärder",
    "priorities": "prioriteringar", "priority": "prioritering",
}
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d[\d\s.,]*\d|\d")


def to_swedish(query: str) -> str:
    """Word-by-word Swedish rendering of an English query; unknown words stay as they are."""
    return rendering(query)[0]


def rendering(query: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """`to_swedish` with where each rendered word came from: (start, end) in the rendering,
    then (start, end) of its English word in ``query`` — so words of the rendering found to
    name a document can be taken out of the English question too."""
    out: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    at = 0
    for match in WORD.finditer(query):
        word = GLOSSARY.get(match.group(0).lower().removesuffix("'s"), match.group(0))
        at += 1 if out else 0
        spans.append((at, at + len(word), match.start(), match.end()))
        out.append(word)
        at += len(word)
    return " ".join(out), spans
