"""French administrative geography: postcode -> département -> région.

The committee's figures are broken down by région and département (brief §5) and a hand-over records
the beneficiary's département (§3). Pure data and functions, no I/O, so it can be used anywhere.

Codes are the INSEE ones (Code officiel géographique, régions as of 1 January 2016).

Postcode rules used by :func:`locate` (a postcode is a La Poste code, not an INSEE code):

* 5 digits, nothing else; ``00xxx`` does not exist.
* Metropolitan France: the first two digits are the département (``01`` to ``95``; ``20`` is Corsica).
  A handful of border communes carry a neighbouring département's postcode because their post office
  is there; :func:`locate` returns the département *of the postcode*. Where exactness matters, use the
  commune's INSEE code instead.
* Corsica: ``20000``-``20199`` is Corse-du-Sud (2A), ``20200``-``20999`` is Haute-Corse (2B).
  The codes asked about, ``20167`` (communes around Ajaccio) and ``20600`` (Bastia, Furiani), are
  taken to follow that split (2A and 2B), to the best of our knowledge: this was NOT checked against
  the La Poste database (*base officielle des codes postaux*). A postcode found to cross the border
  goes in ``_CORSICA_EXCEPTIONS``.
* Overseas départements: the first three digits (971 Guadeloupe, 972 Martinique, 973 Guyane,
  974 La Réunion, 976 Mayotte).
* Overseas collectivities (French, but not départements): Saint-Pierre-
  et-Miquelon (975xx), Saint-Barthélemy (postcode 97133) and Saint-Martin (postcode 97150) - the two
  latter use Guadeloupe's 971 postcode prefix although their INSEE codes are 977 and 978 -, Wallis-et-
  Futuna (986xx), Polynésie française (987xx), Nouvelle-Calédonie (988xx). They get a :class:`Location`
  with their collectivity code and the pseudo-région ``COM`` "Collectivités d'outre-mer".
* Rejected: Monaco (980xx, not France), 984 (TAAF, no resident population), and any other prefix
  that is no département (``96``, ``99``, ``970``, ``977``, ``978``, ``979``, ``985``, ``989``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "COLLECTIVITES",
    "COM_REGION_CODE",
    "COM_REGION_NAME",
    "DEPARTEMENTS",
    "REGIONS",
    "Location",
    "UnknownDepartement",
    "UnknownPostcode",
    "departement",
    "locate",
    "normalise_departement",
    "region_name",
]


class UnknownPostcode(ValueError):
    """The text is not a French postcode this service can place in a département."""


class UnknownDepartement(ValueError):
    """The text is not the code of one of the 101 départements."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a postcode lies: département (or collectivity) and région (or ``COM``)."""

    departement_code: str
    departement_name: str
    region_code: str
    region_name: str


REGIONS: dict[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

DEPARTEMENTS: dict[str, tuple[str, str]] = {
    "01": ("Ain", "84"),
    "02": ("Aisne", "32"),
    "03": ("Allier", "84"),
    "04": ("Alpes-de-Haute-Provence", "93"),
    "05": ("Hautes-Alpes", "93"),
    "06": ("Alpes-Maritimes", "93"),
    "07": ("Ardèche", "84"),
    "08": ("Ardennes", "44"),
    "09": ("Ariège", "76"),
    "10": ("Aube", "44"),
    "11": ("Aude", "76"),
    "12": ("Aveyron", "76"),
    "13": ("Bouches-du-Rhône", "93"),
    "14": ("Calvados", "28"),
    "15": ("Cantal", "84"),
    "16": ("Charente", "75"),
    "17": ("Charente-Maritime", "75"),
    "18": ("Cher", "24"),
    "19": ("Corrèze", "75"),
    "2A": ("Corse-du-Sud", "94"),
    "2B": ("Haute-Corse", "94"),
    "21": ("Côte-d'Or", "27"),
    "22": ("Côtes-d'Armor", "53"),
    "23": ("Creuse", "75"),
    "24": ("Dordogne", "75"),
    "25": ("Doubs", "27"),
    "26": ("Drôme", "84"),
    "27": ("Eure", "28"),
    "28": ("Eure-et-Loir", "24"),
    "29": ("Finistère", "53"),
    "30": ("Gard", "76"),
    "31": ("Haute-Garonne", "76"),
    "32": ("Gers", "76"),
    "33": ("Gironde", "75"),
    "34": ("Hérault", "76"),
    "35": ("Ille-et-Vilaine", "53"),
    "36": ("Indre", "24"),
    "37": ("Indre-et-Loire", "24"),
    "38": ("Isère", "84"),
    "39": ("Jura", "27"),
    "40": ("Landes", "75"),
    "41": ("Loir-et-Cher", "24"),
    "42": ("Loire", "84"),
    "43": ("Haute-Loire", "84"),
    "44": ("Loire-Atlantique", "52"),
    "45": ("Loiret", "24"),
    "46": ("Lot", "76"),
    "47": ("Lot-et-Garonne", "75"),
    "48": ("Lozère", "76"),
    "49": ("Maine-et-Loire", "52"),
    "50": ("Manche", "28"),
    "51": ("Marne", "44"),
    "52": ("Haute-Marne", "44"),
    "53": ("Mayenne", "52"),
    "54": ("Meurthe-et-Moselle", "44"),
    "55": ("Meuse", "44"),
    "56": ("Morbihan", "53"),
    "57": ("Moselle", "44"),
    "58": ("Nièvre", "27"),
    "59": ("Nord", "32"),
    "60": ("Oise", "32"),
    "61": ("Orne", "28"),
    "62": ("Pas-de-Calais", "32"),
    "63": ("Puy-de-Dôme", "84"),
    "64": ("Pyrénées-Atlantiques", "75"),
    "65": ("Hautes-Pyrénées", "76"),
    "66": ("Pyrénées-Orientales", "76"),
    "67": ("Bas-Rhin", "44"),
    "68": ("Haut-Rhin", "44"),
    "69": ("Rhône", "84"),
    "70": ("Haute-Saône", "27"),
    "71": ("Saône-et-Loire", "27"),
    "72": ("Sarthe", "52"),
    "73": ("Savoie", "84"),
    "74": ("Haute-Savoie", "84"),
    "75": ("Paris", "11"),
    "76": ("Seine-Maritime", "28"),
    "77": ("Seine-et-Marne", "11"),
    "78": ("Yvelines", "11"),
    "79": ("Deux-Sèvres", "75"),
    "80": ("Somme", "32"),
    "81": ("Tarn", "76"),
    "82": ("Tarn-et-Garonne", "76"),
    "83": ("Var", "93"),
    "84": ("Vaucluse", "93"),
    "85": ("Vendée", "52"),
    "86": ("Vienne", "75"),
    "87": ("Haute-Vienne", "75"),
    "88": ("Vosges", "44"),
    "89": ("Yonne", "27"),
    "90": ("Territoire de Belfort", "27"),
    "91": ("Essonne", "11"),
    "92": ("Hauts-de-Seine", "11"),
    "93": ("Seine-Saint-Denis", "11"),
    "94": ("Val-de-Marne", "11"),
    "95": ("Val-d'Oise", "11"),
    "971": ("Guadeloupe", "01"),
    "972": ("Martinique", "02"),
    "973": ("Guyane", "03"),
    "974": ("La Réunion", "04"),
    "976": ("Mayotte", "06"),
}

COM_REGION_CODE = "COM"
COM_REGION_NAME = "Collectivités d'outre-mer"

# INSEE codes of the overseas collectivities accepted by locate(); they are not départements.
COLLECTIVITES: dict[str, str] = {
    "975": "Saint-Pierre-et-Miquelon",
    "977": "Saint-Barthélemy",
    "978": "Saint-Martin",
    "986": "Wallis-et-Futuna",
    "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
}

# Saint-Barthélemy and Saint-Martin use Guadeloupe's postcode prefix: the whole code decides.
_SPECIAL_POSTCODES: dict[str, str] = {"97133": "977", "97150": "978"}
# Collectivities whose postcodes start with their own INSEE code.
_COLLECTIVITY_PREFIXES = ("975", "986", "987", "988")
# Corsican postcodes that do not follow the 20000-20199 / 20200-20999 split (none known, see module doc).
_CORSICA_EXCEPTIONS: dict[str, str] = {}

_POSTCODE_RE = re.compile(r"[0-9]{5}")


def locate(postcode: str) -> Location:
    """Place a postcode in its département and région (see the module docstring for the rules)."""
    code = postcode.strip()
    if not _POSTCODE_RE.fullmatch(code):
        raise UnknownPostcode(f"« {postcode} » n'est pas un code postal : il faut 5 chiffres.")
    if code in _SPECIAL_POSTCODES:
        return _collectivity(_SPECIAL_POSTCODES[code])
    if code.startswith("980"):
        raise UnknownPostcode(f"Le code postal « {code} » est celui de Monaco, qui n'est pas en France.")
    if code.startswith(_COLLECTIVITY_PREFIXES):
        return _collectivity(code[:3])
    if code.startswith("97"):
        prefix = code[:3]
        if prefix in DEPARTEMENTS:
            return _location(prefix)
        raise UnknownPostcode(f"Le code postal « {code} » ne correspond à aucun département d'outre-mer.")
    if code.startswith("20"):
        return _location(_CORSICA_EXCEPTIONS.get(code, "2A" if int(code) < 20200 else "2B"))
    prefix = code[:2]
    if prefix in DEPARTEMENTS:
        return _location(prefix)
    raise UnknownPostcode(f"Le code postal « {code} » ne correspond à aucun département français.")


def departement(code: str) -> tuple[str, str]:
    """Name and région code of a département; the code is normalised first ("1" -> "01")."""
    return DEPARTEMENTS[normalise_departement(code)]


def region_name(code: str) -> str:
    """Name of a région from its INSEE code ("28" -> "Normandie"); ``COM`` names the collectivities."""
    key = code.strip().upper()
    if key == COM_REGION_CODE:
        return COM_REGION_NAME
    if len(key) == 1 and key.isdigit():
        key = "0" + key
    try:
        return REGIONS[key]
    except KeyError:
        raise ValueError(f"« {code} » n'est pas un code de région INSEE.") from None


def normalise_departement(code: str) -> str:
    """Canonical département code: "2a" -> "2A", "1" -> "01", " 971 " -> "971".

    Typed codes come from forms and spreadsheets where leading zeros are often lost.
    """
    key = code.strip().upper()
    if len(key) == 1 and key.isdigit():
        key = "0" + key
    if key in DEPARTEMENTS:
        return key
    if key == "20":
        raise UnknownDepartement("« 20 » est ambigu : la Corse compte deux départements, 2A et 2B.")
    raise UnknownDepartement(f"« {code} » n'est pas un code de département.")


def _location(departement_code: str) -> Location:
    name, region = DEPARTEMENTS[departement_code]
    return Location(departement_code, name, region, REGIONS[region])


def _collectivity(code: str) -> Location:
    return Location(code, COLLECTIVITES[code], COM_REGION_CODE, COM_REGION_NAME)
