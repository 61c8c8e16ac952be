"""Texts people read, in French first and English second.

Every error carries a key of `MESSAGES`; the problem handler renders it in the language the
client asked for (`Accept-Language`), French by default.
"""

from __future__ import annotations

from typing import Any

Lang = str  # "fr" | "en"

STATE_NAMES: dict[str, tuple[str, str]] = {
    "declared": ("déclaré", "declared"),
    "collected": ("collecté", "collected"),
    "received": ("réceptionné à l'atelier", "received"),
    "wiped": ("effacé", "wiped"),
    "ready": ("prêt", "ready"),
    "reserved": ("réservé", "reserved"),
    "shipped": ("expédié", "shipped"),
    "delivered": ("livré", "delivered"),
    "handed_over": ("remis à un bénéficiaire", "handed over"),
    "returned": ("retourné", "returned"),
    "recycled": ("recyclé", "recycled"),
    "lost": ("perdu", "lost"),
}

ACTION_NAMES: dict[str, tuple[str, str]] = {
    "declare": ("déclarer", "declare"),
    "collect": ("collecter", "collect"),
    "receive": ("réceptionner", "receive"),
    "wipe": ("effacer les données", "wipe"),
    "refurbish": ("reconditionner", "refurbish"),
    "recycle": ("recycler", "recycle"),
    "reserve": ("réserver", "reserve"),
    "release": ("libérer la réservation", "release"),
    "ship": ("expédier", "ship"),
    "deliver": ("confirmer la livraison", "confirm delivery"),
    "hand_over": ("remettre au bénéficiaire", "hand over"),
    "return": ("retourner", "return"),
    "lose": ("déclarer perdu", "report lost"),
    "label_printed": ("étiquette imprimée", "label printed"),
}

CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "laptop": ("Ordinateur portable", "Laptop"),
    "desktop": ("Ordinateur fixe", "Desktop"),
    "tablet": ("Tablette", "Tablet"),
    "smartphone": ("Smartphone", "Smartphone"),
    "monitor": ("Écran", "Monitor"),
    "printer": ("Imprimante", "Printer"),
    "other": ("Autre équipement", "Other equipment"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    # authentication and access
    "unauthenticated": ("Authentification requise.", "Authentication required."),
    "bad_credentials": ("Adresse e-mail ou mot de passe incorrect.", "Wrong e-mail or password."),
    "token_invalid": ("Jeton d'accès invalide ou expiré.", "Invalid or expired access token."),
    "api_key_invalid": ("Clé d'API invalide ou révoquée.", "Invalid or revoked API key."),
    "role_forbidden": (
        "Votre organisation ({kind}) ne peut pas faire cette opération.",
        "Your organisation ({kind}) may not do this.",
    ),
    "manager_only": (
        "Seul un responsable de l'organisation peut faire cette opération.",
        "Only a manager of the organisation may do this.",
    ),
    # lifecycle
    "transition_not_allowed": (
        "Action « {action} » impossible : l'appareil est à l'état « {state} ».",
        "Action '{action}' not allowed: the device is '{state}'.",
    ),
    "wipe_required": (
        "Cet appareil contient un support de stockage : un effacement certifié réussi est obligatoire avant.",
        "This device has storage: a passed, certified wipe is required first.",
    ),
    "destruction_required": (
        "Recyclage impossible : les supports de stockage doivent d'abord être effacés ou détruits "
        "(action « wipe », niveau « destroy »).",
        "Cannot recycle: storage media must be wiped or destroyed first (action 'wipe', level 'destroy').",
    ),
    "record_required": (
        "L'action « {action} » demande son enregistrement complet.",
        "Action '{action}' needs its full record.",
    ),
    "wipe_needs_media": ("Indiquez au moins un support effacé.", "List at least one medium."),
    "wipe_end_before_start": (
        "La fin de l'effacement précède son début.",
        "The wipe ends before it starts.",
    ),
    "wipe_duplicate_medium": ("Un même support figure deux fois.", "A medium is listed twice."),
    "destroy_level_result": (
        "Au niveau « destroy », chaque support doit être « destroyed » ou « failed ».",
        "At level 'destroy', each medium must be 'destroyed' or 'failed'.",
    ),
    "labour_minutes_range": (
        "Le temps de travail doit être compris entre 0 et 1440 minutes.",
        "Labour minutes must be between 0 and 1440.",
    ),
    "weight_range": ("Le poids doit être compris entre 0 et 500 kg.", "Weight must be between 0 and 500 kg."),
    "loss_note_required": ("Décrivez l'incident.", "Describe the incident."),
    "departement_invalid": ("Département inconnu : {value}.", "Unknown département: {value}."),
    "only_donors_declare": (
        "Seuls les donateurs déclarent des dons.",
        "Only donors declare donations.",
    ),
    "only_refurbishers": (
        "Seul un atelier de reconditionnement peut faire l'action « {action} ».",
        "Only a refurbishing workshop may '{action}'.",
    ),
    "label_invalid": (
        "Le label Ordi 2.0 de votre organisation n'est pas valide aujourd'hui.",
        "Your organisation's Ordi 2.0 label is not valid today.",
    ),
    "only_custodian_workshop": (
        "Seul l'atelier qui a l'appareil en garde peut faire l'action « {action} ».",
        "Only the workshop that holds the device may '{action}'.",
    ),
    "only_receiving_association": (
        "Seule l'association destinataire peut faire l'action « {action} ».",
        "Only the receiving association may '{action}'.",
    ),
    "only_operator_allocates": (
        "Seul l'opérateur du programme réserve du matériel (par l'allocation d'une demande).",
        "Only the programme operator reserves devices (by allocating a request).",
    ),
    "only_operator_or_custodian": (
        "Seul l'opérateur ou le détenteur de l'appareil peut faire l'action « {action} ».",
        "Only the operator or the holder of the device may '{action}'.",
    ),
    "action_unknown": ("Action inconnue : {action}.", "Unknown action: {action}."),
    "idempotency_mismatch": (
        "Cette clé d'idempotence a déjà servi pour une autre opération.",
        "This idempotency key was already used for another operation.",
    ),
    "association_unknown": (
        "Association destinataire inconnue ou sans label valide.",
        "Unknown receiving association or no valid label.",
    ),
    # lookups
    "device_not_found": ("Appareil introuvable : {tag}.", "Device not found: {tag}."),
    "code_not_found": ("Aucun appareil ne correspond à « {code} ».", "No device matches '{code}'."),
    "tag_check_failed": (
        "Le code « {code} » n'est pas une étiquette valide (caractère de contrôle faux) "
        "et ne correspond à aucun numéro de série.",
        "'{code}' is not a valid tag (check character mismatch) and matches no serial number.",
    ),
    "donation_not_found": ("Don introuvable.", "Donation not found."),
    "request_not_found": ("Demande introuvable.", "Request not found."),
    "job_not_found": ("Tâche introuvable.", "Job not found."),
    "organisation_not_found": ("Organisation introuvable.", "Organisation not found."),
    "job_not_finished": ("La tâche n'est pas terminée ({status}).", "The job is not finished ({status})."),
    "not_found": ("Ressource introuvable.", "Not found."),
    # donations and imports
    "donation_empty": ("Un don contient au moins un appareil.", "A donation holds at least one device."),
    "donation_too_large": (
        "Un don contient au plus {max} appareils.",
        "A donation holds at most {max} devices.",
    ),
    "import_invalid": (
        "Import refusé : {count} erreur(s), rien n'a été enregistré.",
        "Import refused: {count} error(s), nothing was written.",
    ),
    "import_empty": ("Le fichier ne contient aucune ligne de données.", "The file holds no data row."),
    "import_encoding": (
        "Le fichier n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »).",
        "The file is not UTF-8 (save it as 'CSV UTF-8').",
    ),
    "import_missing_columns": (
        "Colonnes obligatoires absentes : {columns}.",
        "Missing required columns: {columns}.",
    ),
    "cell_required": ("valeur obligatoire", "value required"),
    "cell_category": ("catégorie inconnue « {value} » (attendu : {allowed})", "unknown category '{value}'"),
    "cell_boolean": ("oui/non attendu, reçu « {value} »", "yes/no expected, got '{value}'"),
    "cell_number": ("nombre attendu, reçu « {value} »", "number expected, got '{value}'"),
    "cell_too_long": ("{max} caractères au plus", "at most {max} characters"),
    "cell_duplicate_serial": (
        "numéro de série déjà présent ligne {line}",
        "serial number already on line {line}",
    ),
    "row_too_many_cells": ("plus de cellules que de colonnes", "more cells than columns"),
    # organisations and users
    "siret_invalid": ("SIRET invalide : {value}.", "Invalid SIRET: {value}."),
    "postcode_invalid": ("Code postal inconnu : {value}.", "Unknown postcode: {value}."),
    "email_taken": ("Cette adresse e-mail est déjà utilisée.", "This e-mail address is already used."),
    "siret_taken": ("Ce SIRET est déjà enregistré.", "This SIRET is already registered."),
    "role_kind_mismatch": (
        "Une organisation de type « {kind} » n'a pas besoin de label.",
        "An organisation of kind '{kind}' needs no label.",
    ),
    "password_too_short": (
        "Le mot de passe doit compter au moins 12 caractères.",
        "The password must have at least 12 characters.",
    ),
    # requests
    "request_needs_label": (
        "Seules les associations au label Ordi 2.0 valide peuvent demander du matériel.",
        "Only associations with a valid Ordi 2.0 label may request equipment.",
    ),
    "request_not_pending": (
        "La demande n'est plus en attente (état : {status}).",
        "The request is no longer pending (status: {status}).",
    ),
    "request_not_approved": (
        "Seule une demande approuvée peut être servie (état : {status}).",
        "Only an approved request can be allocated (status: {status}).",
    ),
    "reason_required": ("Indiquez un motif.", "Give a reason."),
    # jobs and stats
    "period_invalid": ("La période est invalide : « from » doit précéder « to ».", "Invalid period."),
    # asset labels and print jobs
    "label_format_unknown": (
        "Format d'étiquette inconnu : « {format} ». Formats disponibles : {known}.",
        "Unknown label format: '{format}'. Available formats: {known}.",
    ),
    "label_media_unsupported": (
        "Le format « {format} » ne se produit pas en {media} (proposés : {offered}).",
        "Format '{format}' cannot be produced as {media} (offered: {offered}).",
    ),
    "label_skip_roll": (
        "« Sauter des étiquettes » ne s'applique qu'aux planches A4, pas aux rouleaux.",
        "'Skip labels' applies to A4 sheets only, not to rolls.",
    ),
    "label_skip_invalid": (
        "Nombre d'étiquettes à sauter invalide : {skip} (entre 0 et {max} sur une planche « {format} »).",
        "Invalid number of labels to skip: {skip} (0 to {max} on a '{format}' sheet).",
    ),
    "label_job_target": (
        "Indiquez soit « tags » (liste de numéros d'inventaire), soit « donation_id », pas les deux.",
        "Give either 'tags' (a list of asset tags) or 'donation_id', not both.",
    ),
    "label_job_empty": ("Aucune étiquette à imprimer.", "No label to print."),
    "label_job_too_many": (
        "Une impression compte au plus {max} étiquettes (demandé : {count}).",
        "A print job holds at most {max} labels (asked: {count}).",
    ),
    "label_devices_hidden": (
        "{count} appareil(s) de ce don ne sont pas visibles par votre organisation : "
        "imprimez leurs étiquettes par numéro d'inventaire.",
        "{count} device(s) of this donation are not visible to your organisation: print their labels by asset tag.",
    ),
    "label_does_not_fit": (
        "L'étiquette de {tag} ne tient pas sur le format « {format} ».",
        "The label of {tag} does not fit the '{format}' format.",
    ),
    # lists and their pages
    "cursor_invalid": (
        "Curseur de page invalide : reprenez la liste depuis le début ou utilisez la valeur « next » reçue.",
        "Invalid page cursor: start the list again or use the « next » value you received.",
    ),
    "page_limit_invalid": ("Taille de page invalide ({max} au plus).", "Invalid page size ({max} at most)."),
    "page_offset_too_large": (
        "Décalage trop grand ({max} au plus) : suivez le curseur « next » des pages.",
        "Offset too large ({max} at most): follow the pages' « next » cursor.",
    ),
    "page_cursor_and_offset": (
        "Donnez un curseur ou un décalage, pas les deux.",
        "Give a cursor or an offset, not both.",
    ),
    # generic HTTP
    "validation_failed": ("Requête invalide : {message}", "Invalid request: {message}"),
    "method_not_allowed": ("Méthode non autorisée.", "Method not allowed."),
    "internal_error": (
        "Erreur interne du service ; l'incident est journalisé.",
        "Internal server error; the incident is logged.",
    ),
    # proof documents: wipe certificates, tool reports, donation reports
    "certificate_not_found": ("Certificat introuvable : {number}.", "Certificate not found: {number}."),
    "certificate_unreadable": (
        "Le certificat {number} ne peut pas être relu : son contenu enregistré est altéré.",
        "Certificate {number} cannot be read back: its stored content is altered.",
    ),
    "wipe_report_empty": ("Le rapport de l'outil d'effacement est vide.", "The wiping tool's report is empty."),
    "wipe_report_too_large": (
        "Le rapport de l'outil d'effacement dépasse {max} Mo.",
        "The wiping tool's report exceeds {max} MB.",
    ),
    "wipe_report_invalid": (
        "Rapport nwipe illisible : {reason}",
        "Unreadable nwipe report: {reason}",
    ),
    "wipe_report_level_unknown": (
        "Le niveau NIST de la méthode « {method} » n'est pas déductible : précisez « level ».",
        "The NIST level of method '{method}' cannot be inferred: give 'level'.",
    ),
    "wipe_report_no_drive": (
        "Le rapport ne contient aucun support effacé pour cet appareil.",
        "The report holds no wiped medium for this device.",
    ),
    "report_format_unknown": (
        "Format de rapport inconnu : {format} (pdf, csv ou json).",
        "Unknown report format: {format} (pdf, csv or json).",
    ),
}

TITLES: dict[int, tuple[str, str]] = {
    400: ("Requête invalide", "Bad request"),
    401: ("Authentification requise", "Unauthorized"),
    403: ("Action interdite", "Forbidden"),
    404: ("Introuvable", "Not found"),
    405: ("Méthode non autorisée", "Method not allowed"),
    409: ("Conflit", "Conflict"),
    415: ("Type de contenu non pris en charge", "Unsupported media type"),
    422: ("Données invalides", "Unprocessable content"),
    500: ("Erreur interne", "Internal server error"),
    503: ("Service indisponible", "Service unavailable"),
}


def pick_language(accept_language: str | None) -> Lang:
    """French unless the client prefers English explicitly."""
    if not accept_language:
        return "fr"
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("fr"):
            return "fr"
        if tag.startswith("en"):
            return "en"
    return "fr"


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "en" else pair[0]


def message(key: str, lang: Lang = "fr", **params: Any) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    translated = {k: _display(k, v, lang) for k, v in params.items()}
    try:
        return _pick(pair, lang).format(**translated)
    except (KeyError, IndexError):
        return _pick(pair, lang)


def _display(name: str, value: Any, lang: Lang) -> Any:
    if name == "state" and value in STATE_NAMES:
        return _pick(STATE_NAMES[value], lang)
    if name == "action" and value in ACTION_NAMES:
        return _pick(ACTION_NAMES[value], lang)
    return value


def translated_errors(errors: list[dict[str, Any]], lang: Lang = "fr") -> list[dict[str, Any]]:
    """Line errors of an import, each with its message in the reader's language."""
    return [{**e, "message": message(e["key"], lang, **e.get("params", {}))} for e in errors]


def title(status: int, lang: Lang = "fr") -> str:
    return _pick(TITLES.get(status, ("Erreur", "Error")), lang)


def state_name(state: str, lang: Lang = "fr") -> str:
    return _pick(STATE_NAMES.get(state, (state, state)), lang)


def action_name(action: str, lang: Lang = "fr") -> str:
    return _pick(ACTION_NAMES.get(action, (action, action)), lang)


def category_name(category: str, lang: Lang = "fr") -> str:
    return _pick(CATEGORY_NAMES.get(category, (category, category)), lang)
