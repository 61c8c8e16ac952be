"""Texts people read, in French first and English second: the one place for them.

- the names of codes: device states, actions, categories, beneficiary categories, recycling
  channels, and the wipe certificate's levels, media kinds and results (`state_name`,
  `level_name`, ...): the API, the pages, the PDFs and the CSV all say the same word;
- `MESSAGES` and `TITLES`: every error carries a key of `MESSAGES`; the problem handler renders it
  in the language the client asked for (`Accept-Language`), French by default;
- `WORDS`: the wording of the documents (certificate and report PDFs, the report's CSV, the public
  verification page), by key (`word`);
- dates and numbers as each language writes them (`date_text`, `number_text`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import Any

Lang = str  # "fr" | "en"

STATE_NAMES: dict[str, tuple[str, str]] = {
    "declared": ("déclaré", "declared"),
    "collected": ("collecté", "collected"),
    "received": ("réceptionné", "received"),
    "wiped": ("effacé", "wiped"),
    "ready": ("prêt", "ready"),
    "reserved": ("réservé", "reserved"),
    "shipped": ("expédié", "shipped"),
    "delivered": ("livré", "delivered"),
    "handed_over": ("remis au bénéficiaire", "handed over"),
    "returned": ("retourné", "returned"),
    "recycled": ("recyclé", "recycled"),
    "lost": ("perdu", "lost"),
    "withdrawn": ("retiré par le donateur", "withdrawn by the donor"),
}

PICKUP_STATE_NAMES: dict[str, tuple[str, str]] = {
    "requested": ("demandé", "requested"),
    "scheduled": ("planifié", "scheduled"),
    "collected": ("enlevé", "collected"),
    "cancelled": ("annulé", "cancelled"),
    "missed": ("manqué", "missed"),
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
    "assign": ("confier à un atelier", "put a workshop in charge"),
    "amend": ("modifier la déclaration", "edit the declaration"),
    "withdraw": ("retirer du don", "withdraw from the donation"),
    "correct": ("corriger une entrée", "correct an entry"),
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

BENEFICIARY_NAMES: dict[str, tuple[str, str]] = {
    "job_seeker": ("demandeur d'emploi", "job seeker"),
    "student": ("étudiant", "student"),
    "senior": ("senior", "senior"),
    "disability": ("situation de handicap", "disability"),
    "low_income": ("faibles revenus", "low income"),
    "asylum_refugee": ("demandeur d'asile ou réfugié", "asylum seeker or refugee"),
    "other": ("autre", "other"),
}

RECYCLE_CHANNEL_NAMES: dict[str, tuple[str, str]] = {
    "weee_collector": ("collecteur DEEE", "WEEE collector"),
    "eco_organism": ("éco-organisme", "producer compliance scheme"),
    "manufacturer_take_back": ("reprise par le fabricant", "manufacturer take-back"),
    "other": ("autre filière", "other channel"),
}

# Wipe certificates (NIST SP 800-88): the level keeps NIST's English term in brackets.
LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "clear": ("Nettoyage (Clear)", "Clear"),
    "purge": ("Purge (Purge)", "Purge"),
    "destroy": ("Destruction (Destroy)", "Destroy"),
}

MEDIUM_KIND_NAMES: dict[str, tuple[str, str]] = {
    "hdd": ("Disque dur (HDD)", "Hard disk (HDD)"),
    "ssd": ("SSD SATA", "SATA SSD"),
    "nvme": ("SSD NVMe", "NVMe SSD"),
    "emmc": ("Mémoire eMMC", "eMMC memory"),
    "usb": ("Support USB", "USB medium"),
    "other": ("Autre support", "Other medium"),
}

# "Effacé" is the word of the device state `wiped` too.
MEDIUM_RESULT_NAMES: dict[str, tuple[str, str]] = {
    "erased": ("Effacé", "Erased"),
    "failed": ("Échec", "Failed"),
    "destroyed": ("Détruit", "Destroyed"),
}

OVERALL_RESULT_NAMES: dict[str, tuple[str, str]] = {
    "erased": ("Données effacées", "Data erased"),
    "erased_with_exceptions": ("Données effacées avec exceptions", "Data erased with exceptions"),
    "not_erased": ("Données non effacées", "Data not erased"),
}

# --- device specs (ordi.domain.specs): storage kinds and operating system licences
STORAGE_KIND_NAMES: dict[str, tuple[str, str]] = {
    "hdd": ("disque dur", "hard disk"),
    "ssd": ("SSD", "SSD"),
    "nvme": ("SSD NVMe", "NVMe SSD"),
    "emmc": ("mémoire eMMC", "eMMC memory"),
    "hybrid": ("disque hybride", "hybrid drive"),
    "other": ("autre stockage", "other storage"),
    "none": ("sans stockage", "no storage"),
}

OS_LICENCE_NAMES: dict[str, tuple[str, str]] = {
    "windows": ("licence Windows", "Windows licence"),
    "macos": ("macOS", "macOS"),
    "chromeos": ("ChromeOS", "ChromeOS"),
    "linux": ("Linux (libre)", "Linux (free)"),
    "other": ("autre système", "other system"),
    "none": ("sans licence", "no licence"),
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
    # corrections and cancellations (issue 9, item 6)
    "edit_after_collection": (
        "L'appareil n'attend plus sa collecte (état « {state} ») : le donateur ne peut plus le modifier ni le "
        "retirer ; l'atelier qui l'a en charge peut corriger sa fiche (entrée corrective).",
        "The device is no longer waiting for collection ('{state}'): its donor may no longer edit or withdraw "
        "it; the workshop in charge may correct its record (a correcting entry).",
    ),
    "correct_before_collection": (
        "L'appareil n'a pas été collecté (état « {state} ») : rien à corriger ; avant la collecte, son donateur "
        "modifie sa déclaration.",
        "The device was not collected ('{state}'): nothing to correct; before collection its donor edits it.",
    ),
    "only_donor_edits": (
        "Seul le donateur du don modifie, retire ou annule ce qu'il a déclaré.",
        "Only the donation's donor edits, withdraws or cancels what it declared.",
    ),
    "only_workshop_corrects": (
        "Seuls l'atelier qui a cet appareil en charge et l'opérateur corrigent sa fiche.",
        "Only the workshop in charge of this device and the operator correct its record.",
    ),
    "edit_nothing": ("Indiquez au moins un champ à modifier.", "Give at least one field to change."),
    "edit_value_invalid": ("Valeur invalide pour « {field} ».", "Invalid value for '{field}'."),
    "edit_field_unknown": ("Champ inconnu : « {field} ».", "Unknown field: '{field}'."),
    "edit_field_not_correctable": (
        "« {field} » ne se corrige pas sur cette entrée (champs possibles : {allowed}).",
        "'{field}' cannot be corrected on this entry (fields: {allowed}).",
    ),
    "reason_too_long": ("Le motif fait {max} caractères au plus.", "The reason is at most {max} characters."),
    "correction_reason_required": (
        "Une correction dit pourquoi : motif obligatoire ({max} caractères au plus).",
        "A correction says why: a reason is required (at most {max} characters).",
    ),
    "correction_target_invalid": (
        "L'entrée n° {corrects} n'est pas une entrée corrigeable de l'historique de cet appareil (seuls la "
        "déclaration, les modifications du donateur, les reconditionnements et leurs corrections se corrigent).",
        "Entry {corrects} is not a correctable entry of this device's history (only the declaration, the "
        "donor's edits, refurbishments and their corrections can be corrected).",
    ),
    "correction_changes_nothing": (
        "Ces valeurs sont déjà celles de l'entrée : rien à corriger.",
        "These values are already the entry's: nothing to correct.",
    ),
    "already_corrected": (
        "L'entrée n° {corrects} a déjà été corrigée (entrée n° {by}) : corrigez la dernière correction.",
        "Entry {corrects} was already corrected (entry {by}): correct the last correction instead.",
    ),
    "serial_in_service": (
        "Le numéro de série « {value} » est déjà porté par un appareil en service de la même marque.",
        "Serial number '{value}' is already on a device in service of the same brand.",
    ),
    "donation_cancelled": ("Ce don a été annulé par son donateur.", "This donation was cancelled by its donor."),
    "donation_collected": (
        "{count} appareil(s) de ce don ont déjà été collectés : le don ne se modifie ni ne s'annule plus ; "
        "retirez un à un les appareils encore déclarés.",
        "{count} device(s) of this donation were already collected: it can no longer be edited or cancelled; "
        "withdraw the devices still declared one by one.",
    ),
    "pickup_cancelled_with_donations": (
        "Le donateur a annulé les dons de cet enlèvement.",
        "The donor cancelled this pickup's donations.",
    ),
    "pickup_donations_cancelled": (
        "Le donateur a annulé les dons de cet enlèvement : il n'y a rien à collecter (annulez l'enlèvement).",
        "The donor cancelled this pickup's donations: there is nothing to collect (cancel the pickup).",
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
    "job_expired": (
        "Cette tâche a expiré : son fichier et les données envoyées ne sont gardés que {days} jours "
        "après sa fin. Relancez-la pour obtenir un nouveau fichier.",
        "This job has expired: its file and the uploaded data are kept for {days} days after it ends. "
        "Start it again to get a new file.",
    ),
    # jobs whose worker stopped (ordi.jobs.outbox)
    "job_interrupted": (
        "La tentative {attempt} sur {max} a été interrompue (le processus qui exécutait la tâche s'est arrêté) : "
        "la tâche reprend automatiquement.",
        "Attempt {attempt} of {max} was interrupted (the process running the job stopped): "
        "the job resumes automatically.",
    ),
    "job_abandoned": (
        "La tâche a été abandonnée après {attempts} tentatives : la dernière a été interrompue (le processus "
        "qui l'exécutait s'est arrêté). Relancez-la ; si cela se reproduit, prévenez l'opérateur.",
        "The job was abandoned after {attempts} attempts: the last one was interrupted (the process running "
        "it stopped). Start it again; if this happens again, tell the operator.",
    ),
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
    # spreadsheets as people save them: encodings, workbooks, serial numbers in service
    "import_unreadable": (
        "Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en « CSV UTF-8 », .xlsx ou .ods.",
        "The file is neither UTF-8 nor Windows-1252: save it as 'CSV UTF-8', .xlsx or .ods.",
    ),
    "import_workbook": (
        "Classeur illisible : enregistrez-le à nouveau en .xlsx, .ods ou CSV.",
        "Unreadable workbook: save it again as .xlsx, .ods or CSV.",
    ),
    "cell_serial_in_service": (
        "numéro de série « {value} » déjà porté par un appareil en service de la même marque "
        "(un retour confirmé : colonne « retour » à oui, ou « is_return » en JSON)",
        "serial number '{value}' is already on a device in service of the same brand "
        "(a confirmed return: column 'retour' set to yes, or 'is_return' in JSON)",
    ),
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
    "stats_dimensions_unsupported": (
        "Ces filtres et ce regroupement ne se combinent pas ({used}) : on croise la catégorie et la catégorie "
        "de bénéficiaire avec l'une des familles atelier, région et département ; donateur et type de "
        "donateur ; ou grade.",
        "These filters and grouping do not combine ({used}): category and beneficiary category combine with "
        "one family of workshop, région and département; donor and donor kind; or grade.",
    ),
    "stats_table_unknown": (
        "Tableau inconnu : « {name} ». Tableaux disponibles : {known}.",
        "Unknown table: '{name}'. Available tables: {known}.",
    ),
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
    # pickups and custody
    "pickup_not_found": ("Enlèvement introuvable.", "Pickup not found."),
    "pickup_forbidden": (
        "Vous ne pouvez pas faire cette opération sur cet enlèvement ({action}).",
        "You may not do this on this pickup ({action}).",
    ),
    "pickup_transition_not_allowed": (
        "Impossible de « {action} » un enlèvement à l'état « {state} ».",
        "Cannot '{action}' a pickup in state '{state}'.",
    ),
    "pickup_workshop_invalid": (
        "L'atelier indiqué n'existe pas ou son label n'est pas valide.",
        "The workshop does not exist or its label is not valid.",
    ),
    "pickup_workshop_drop_off_only": (
        "Un atelier ne se choisit qu'en cas de dépôt (mode « drop_off ») ; sinon l'opérateur l'affecte.",
        "A workshop is chosen only for a drop-off; otherwise the operator assigns one.",
    ),
    "pickup_date_invalid": (
        "Date d'enlèvement invalide : aujourd'hui ou plus tard, {max} jours au plus.",
        "Invalid pickup date: today or later, within {max} days.",
    ),
    "pickup_window_invalid": (
        "Un créneau doit finir après son début.",
        "A window must end after it starts.",
    ),
    "pickup_already_claimed": (
        "Un autre atelier a déjà pris en charge cet enlèvement.",
        "Another workshop has already claimed this pickup.",
    ),
    "pickup_unassigned": ("Aucun atelier n'est chargé de cet enlèvement.", "No workshop is in charge of this pickup."),
    "pickup_nothing_to_collect": (
        "Ces dons n'ont plus d'appareil à enlever.",
        "These donations have no device left to collect.",
    ),
    "pickup_too_large": (
        "Un enlèvement prend {max} appareils au plus : répartissez les dons sur plusieurs demandes.",
        "A pickup takes at most {max} devices: split the donations over several requests.",
    ),
    "donation_in_open_pickup": (
        "Le don {donation} fait déjà partie d'un enlèvement en cours.",
        "Donation {donation} is already part of an open pickup.",
    ),
    "pickup_tags_invalid": (
        "Des étiquettes ne correspondent pas à ce lot : voyez le détail ligne par ligne.",
        "Some tags do not match this lot: see each line.",
    ),
    "tag_invalid": ("Étiquette illisible : {tag}.", "Unreadable tag: {tag}."),
    "receipt_unreadable": (
        "Le bon d'enlèvement {number} a été altéré : il ne peut pas être imprimé sous sa signature.",
        "Custody receipt {number} was altered: it cannot be printed under its signature.",
    ),
    "tag_not_in_pickup": (
        "L'appareil {tag} ne fait pas partie de cet enlèvement.",
        "Device {tag} is not part of this pickup.",
    ),
    "tag_not_in_receipt": (
        "L'appareil {tag} ne figure pas sur le bon d'enlèvement.",
        "Device {tag} is not on the custody receipt.",
    ),
    "donation_not_in_pickup": (
        "Ce don ne fait pas partie de l'enlèvement.",
        "This donation is not part of the pickup.",
    ),
    "pickup_nothing_collected": (
        "Indiquez les étiquettes enlevées (ou les appareils en plus).",
        "Give the tags collected (or the extra devices).",
    ),
    "pickup_not_collected": (
        "Pas de bon d'enlèvement : l'enlèvement est à l'état « {state} ».",
        "No custody receipt: the pickup is '{state}'.",
    ),
    "not_workshop_in_charge": (
        "Seul l'atelier chargé de l'enlèvement (ou du dépôt) de cet appareil peut « {action} ».",
        "Only the workshop in charge of this device's pickup (or drop-off) may '{action}'.",
    ),
    # the database, busy or away
    "database_busy": (
        "Le service est très sollicité : réessayez dans {seconds} secondes.",
        "The service is busy: try again in {seconds} seconds.",
    ),
    "database_unavailable": (
        "La base de données est momentanément injoignable : réessayez dans {seconds} secondes.",
        "The database cannot be reached right now: try again in {seconds} seconds.",
    ),
    "job_status_unknown": (
        "État de tâche inconnu : « {value} » (queued, running, succeeded ou failed).",
        "Unknown job state: '{value}' (queued, running, succeeded or failed).",
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
    "wipe_report_content_type": (
        "Envoyez le journal nwipe en text/plain.",
        "Send the nwipe log as text/plain.",
    ),
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
    # requests refused before any rule: bounds of the contract (ordi.http, the schemas, the records)
    "nul_byte": (
        "La requête contient un caractère nul (\\u0000), refusé dans le chemin, les paramètres, "
        "les en-têtes et le corps.",
        "The request holds a NUL character (\\u0000), refused in the path, parameters, headers and body.",
    ),
    "json_too_deep": ("Le document JSON est trop imbriqué.", "The JSON document is nested too deep."),
    "body_too_large": ("Le corps de la requête est trop volumineux.", "The request body is too large."),
    "unsupported_media_type": ("Type de contenu non pris en charge.", "Unsupported media type."),
    "import_content_type": ("Envoyez le fichier en text/csv.", "Send the file as text/csv."),
    "date_out_of_range": (
        "Date hors du calendrier du programme (du {min} au {max}).",
        "Date outside the programme's calendar ({min} to {max}).",
    ),
    "wipe_too_many_media": (
        "Un effacement certifie au plus {max} supports.",
        "A wipe certifies at most {max} media.",
    ),
    "capacity_range": (
        "La capacité d'un support est comprise entre 0 (exclu) et {max} Go.",
        "A medium's capacity lies between 0 (excluded) and {max} GB.",
    ),
    # --- device specs and request minimums (ordi.domain.specs): line errors and 422 details alike
    "spec_unknown": (
        "caractéristique inconnue « {value} » (attendu : {allowed})",
        "unknown spec '{value}' (expected: {allowed})",
    ),
    "spec_text": ("texte attendu, reçu « {value} »", "text expected, got '{value}'"),
    "spec_cpu_too_long": ("processeur : {max} caractères au plus", "CPU: at most {max} characters"),
    "spec_ram_gb": (
        "mémoire vive (RAM) : un nombre de Go jusqu'à {max} attendu, reçu « {value} »",
        "RAM: a number of GB up to {max} expected, got '{value}'",
    ),
    "spec_storage_gb": (
        "stockage : un nombre entier de Go de {min} à {max} attendu, reçu « {value} »",
        "storage: a whole number of GB from {min} to {max} expected, got '{value}'",
    ),
    "spec_screen_inches": (
        "écran : une diagonale de {min} à {max} pouces attendue, reçu « {value} »",
        "screen: a diagonal from {min} to {max} inches expected, got '{value}'",
    ),
    "spec_year": (
        "année : de {min} à {max} attendue, reçu « {value} »",
        "year: from {min} to {max} expected, got '{value}'",
    ),
    "spec_storage_kind": (
        "type de stockage inconnu « {value} » (attendu : {allowed})",
        "unknown storage kind '{value}' (expected: {allowed})",
    ),
    "spec_os_licence": (
        "licence de système inconnue « {value} » (attendu : {allowed})",
        "unknown operating system licence '{value}' (expected: {allowed})",
    ),
    "spec_storage_none": (
        "stockage « aucun » : pas de capacité à indiquer, reçu « {value} » Go",
        "storage 'none': no capacity to give, got {value} GB",
    ),
    "min_specs_list": (
        "minimum « {field} » : une liste non vide attendue",
        "minimum '{field}': a non-empty list expected",
    ),
    # accounts: sessions, passwords, reset links, brute force (ordi.auth)
    "session_ended": (
        "Cette session a pris fin (compte désactivé, mot de passe changé ou déconnexion partout) : reconnectez-vous.",
        "This session has ended (account deactivated, password changed or logged out everywhere): log in again.",
    ),
    "login_locked": (
        "Trop de tentatives de connexion : réessayez dans {seconds} secondes.",
        "Too many login attempts: try again in {seconds} seconds.",
    ),
    "password_too_long": (
        "Le mot de passe compte au plus 200 caractères.",
        "The password must have at most 200 characters.",
    ),
    "password_too_common": (
        "Ce mot de passe est trop courant (il figure dans les listes que les attaquants essaient "
        "d'abord) : choisissez-en un autre, par exemple une phrase de plusieurs mots.",
        "This password is too common (attackers try such lists first): choose another one, "
        "for instance a phrase of several words.",
    ),
    "password_is_email": (
        "Le mot de passe ne doit pas reprendre l'adresse e-mail.",
        "The password must not repeat the e-mail address.",
    ),
    "current_password_wrong": ("Le mot de passe actuel est incorrect.", "The current password is wrong."),
    "reset_link_invalid": (
        "Ce lien de réinitialisation est invalide, expiré ou déjà utilisé : demandez-en un nouveau.",
        "This reset link is invalid, expired or already used: ask for a new one.",
    ),
    "user_not_found": ("Personne introuvable.", "Person not found."),
    "user_inactive": (
        "Ce compte (ou son organisation) est désactivé : réactivez-le d'abord.",
        "This account (or its organisation) is deactivated: reactivate it first.",
    ),
    "own_access_unchanged": (
        "Vous ne pouvez pas désactiver ni changer votre propre accès : demandez-le à un autre responsable "
        "ou à l'opérateur.",
        "You may not deactivate or change your own access: ask another manager or the operator.",
    ),
}

TITLES: dict[int, tuple[str, str]] = {
    400: ("Requête invalide", "Bad request"),
    401: ("Authentification requise", "Unauthorized"),
    403: ("Action interdite", "Forbidden"),
    404: ("Introuvable", "Not found"),
    405: ("Méthode non autorisée", "Method not allowed"),
    409: ("Conflit", "Conflict"),
    413: ("Corps trop volumineux", "Content too large"),
    415: ("Type de contenu non pris en charge", "Unsupported media type"),
    422: ("Données invalides", "Unprocessable content"),
    429: ("Trop de tentatives", "Too many requests"),
    500: ("Erreur interne", "Internal server error"),
    503: ("Service indisponible", "Service unavailable"),
}

# --------------------------------------------------------------------------- words of the documents
#
# The wording of the PDFs (certificate, donation report), the report's CSV and the public
# verification page, by key. `{name}` marks what `word(key, lang, name=...)` fills in.

WORDS: dict[str, tuple[str, str]] = {
    # shared by the documents
    "page": ("page {number}", "page {number}"),
    # the custody receipt (bon d'enlèvement)
    "receipt.title": ("Bon d'enlèvement {number}", "Custody receipt {number}"),
    "receipt.kicker": ("Ordi 2.0 — remise sous la garde d'un atelier", "Ordi 2.0 — hand-off to a workshop"),
    "receipt.collected_at": ("Enlevé le", "Collected on"),
    "receipt.donor": ("Donateur", "Donor"),
    "receipt.workshop": ("Atelier de reconditionnement", "Refurbishing workshop"),
    "receipt.handed_over_by": ("Remis par", "Handed over by"),
    "receipt.taken_by": ("Pris en charge par", "Taken by"),
    "receipt.donations": ("Dons", "Donations"),
    "receipt.count": ("Appareils enlevés", "Devices collected"),
    "receipt.tags": ("Étiquettes enlevées", "Tags collected"),
    "receipt.extra": ("En plus de la déclaration (ajoutés au don)", "Not declared (added to the donation)"),
    "receipt.missing": ("Déclarés mais absents", "Declared but missing"),
    "receipt.none": ("aucun", "none"),
    "receipt.note": ("Observations", "Notes"),
    "receipt.signature": (
        "Signé par le service Ordi 2.0 (Ed25519, clé {key_id}) : la signature couvre le contenu JSON canonique "
        "(RFC 8785) servi par l'API ; vérifiable hors ligne avec la clé publique publiée.",
        "Signed by the Ordi 2.0 service (Ed25519, key {key_id}): the signature covers the canonical JSON "
        "content (RFC 8785) served by the API; verifiable offline with the published public key.",
    ),
    "receipt.footer": ("Bon d'enlèvement {number}", "Custody receipt {number}"),
    "zone.paris": ("heure de Paris", "Paris time"),
    "at": ("{date} à {time}", "{date} at {time}"),
    "programme": ("Programme national Ordi 2.0", "Ordi 2.0 national programme"),
    "none": ("—", "—"),
    "pair": ("{name} : {value}", "{name}: {value}"),
    "field.name": ("Nom", "Name"),
    "field.siret": ("SIRET", "SIRET"),
    "field.label_number": ("N° de label Ordi 2.0", "Ordi 2.0 label no."),
    "field.operator": ("Opérateur", "Operator"),
    "field.asset_tag": ("N° d'inventaire", "Asset tag"),
    "field.category": ("Catégorie", "Category"),
    "field.model": ("Modèle", "Model"),
    "field.serial_number": ("N° de série", "Serial number"),
    "field.state": ("État", "State"),
    "field.level": ("Niveau (NIST SP 800-88)", "Level (NIST SP 800-88)"),
    "field.method": ("Méthode", "Method"),
    "field.tool": ("Outil", "Tool"),
    "field.tool_version": ("Outil et version", "Tool and version"),
    "field.start": ("Début", "Start"),
    "field.end": ("Fin", "End"),
    "field.verification": ("Vérification", "Verification"),
    "field.result": ("Résultat", "Result"),
    "field.issued": ("Émis le", "Issued on"),
    "field.source_report": ("Rapport d'origine", "Original report"),
    "field.source_report_sha256": ("SHA-256 du rapport", "SHA-256 of the report"),
    "unit.gb": ("{value} Go", "{value} GB"),
    # the wipe certificate
    "certificate.title": ("Certificat d'effacement des données", "Data erasure certificate"),
    "certificate.document_title": (
        "Certificat d'effacement des données {number}",
        "Data erasure certificate {number}",
    ),
    "certificate.subject": ("Appareil {tag}", "Device {tag}"),
    "certificate.kicker": (
        "Programme national Ordi 2.0 — preuve d'effacement des supports de stockage",
        "Ordi 2.0 national programme — proof of erasure of storage media",
    ),
    "certificate.number": ("N° {number}", "No. {number}"),
    "certificate.issued": ("Émis le {at} ({zone})", "Issued on {at} ({zone})"),
    "certificate.footer": ("Certificat {number} — {url}", "Certificate {number} — {url}"),
    "certificate.scan_to_verify": ("Scannez pour vérifier", "Scan to verify"),
    "certificate.result": ("Résultat : {result}", "Result: {result}"),
    "certificate.result_detail": (
        "{ok} support(s) sur {total} effacé(s) ou détruit(s) — niveau NIST SP 800-88 : {level}",
        "{ok} of {total} medium(s) erased or destroyed — NIST SP 800-88 level: {level}",
    ),
    "certificate.workshop": ("Atelier de reconditionnement", "Refurbishing workshop"),
    "certificate.device": ("Appareil", "Device"),
    "certificate.procedure": ("Procédure", "Procedure"),
    "certificate.media": ("Supports de stockage ({count})", "Storage media ({count})"),
    "certificate.column.kind": ("Type", "Kind"),
    "certificate.column.capacity": ("Capacité", "Capacity"),
    "certificate.column.period": ("Début / fin", "Start / end"),
    "certificate.signature": ("Signature électronique", "Electronic signature"),
    "certificate.algorithm": (
        "Algorithme : Ed25519 — identifiant de clé : {key_id}",
        "Algorithm: Ed25519 — key identifier: {key_id}",
    ),
    "certificate.verify_note": (
        "Vérifier ce certificat : scannez le code QR ou ouvrez {url}. Vérification hors ligne : la signature "
        "Ed25519 porte sur le contenu du certificat au format JSON canonique (RFC 8785), téléchargeable à cette "
        "adresse. Elle se vérifie avec la clé publique publiée par le service Ordi 2.0 dont l'identifiant figure "
        "ci-dessus (16 premiers caractères hexadécimaux de l'empreinte SHA-256 de la clé), par exemple : "
        "openssl pkeyutl -verify -pubin -inkey cle.pem -rawin -in contenu.json -sigfile signature.bin "
        "(signature décodée du base64url). Ce document imprimé n'est qu'une représentation : seul le contenu "
        "signé fait foi.",
        "To verify this certificate, scan the QR code or open {url}. Offline verification: the Ed25519 "
        "signature covers the certificate's content as canonical JSON (RFC 8785), downloadable at that address. "
        "It is verified with the public key published by the Ordi 2.0 service whose identifier is given above "
        "(the first 16 hexadecimal characters of the key's SHA-256 fingerprint), for example: "
        "openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in content.json -sigfile signature.bin "
        "(signature decoded from base64url). This printed document is a rendering only: the signed content "
        "alone is authoritative.",
    ),
    # the public verification page
    "verify.kicker": (
        "Programme Ordi 2.0 — vérification d'un certificat d'effacement des données",
        "Ordi 2.0 programme — verification of a data erasure certificate",
    ),
    "verify.title": ("Vérification du certificat {number}", "Verification of certificate {number}"),
    "verify.heading": ("Certificat", "Certificate"),
    "verify.unknown": ("Aucun certificat ne porte ce numéro.", "No certificate has this number."),
    "verify.altered": ("Certificat non intègre", "Certificate altered"),
    "verify.altered_detail": (
        "son contenu ne correspond plus à la signature apposée à son émission. Ne vous y fiez pas et contactez "
        "l'atelier ou l'opérateur du programme.",
        "its content no longer matches the signature made when it was issued. Do not rely on it and contact "
        "the workshop or the programme operator.",
    ),
    "verify.intact": ("Certificat authentique et intègre", "Authentic and intact certificate"),
    "verify.intact_detail": (
        "émis par le service Ordi 2.0, son contenu n'a pas été modifié depuis sa signature.",
        "issued by the Ordi 2.0 service, its content has not changed since it was signed.",
    ),
    "verify.key": ("Signature Ed25519, clé {key_id}", "Ed25519 signature, key {key_id}"),
    "verify.public_key": ("clé publique", "public key"),
    "verify.privacy": (
        "Cette page ne montre aucune donnée personnelle ni numéro de série ; le certificat complet est remis "
        "au donateur.",
        "This page shows no personal data and no serial number; the full certificate is given to the donor.",
    ),
    # the donation traceability report
    "report.title": ("Rapport de traçabilité du don", "Donation traceability report"),
    "report.document_title": (
        "Rapport de traçabilité du don {reference}",
        "Traceability report of donation {reference}",
    ),
    "report.kicker": (
        "Programme national Ordi 2.0 — traçabilité des équipements donnés",
        "Ordi 2.0 national programme — traceability of donated equipment",
    ),
    "report.running_title": ("Rapport de traçabilité — don {reference}", "Traceability report — donation {reference}"),
    "report.generated": ("Généré le {at} ({zone})", "Generated on {at} ({zone})"),
    "report.footer": ("Don {reference} — {donor} — {generated}", "Donation {reference} — {donor} — {generated}"),
    "report.reference": (
        "Référence du don : {reference}   (identifiant {id})",
        "Donation reference: {reference}   (identifier {id})",
    ),
    "report.donor": ("Donateur : {donor}", "Donor: {donor}"),
    "report.declared": ("Don déclaré le {date} — {generated}", "Donation declared on {date} — {generated}"),
    "report.summary": ("Bilan du don", "Donation summary"),
    "report.devices": ("Appareils donnés : {count}", "Devices donated: {count}"),
    "report.redistributed": (
        "Redistribués (remis à des bénéficiaires) : {count}",
        "Redistributed (handed over to beneficiaries): {count}",
    ),
    "report.recycled": ("Recyclés (filière DEEE) : {count} — {kg} kg", "Recycled (WEEE channel): {count} — {kg} kg"),
    "report.lost": ("Perdus : {count}", "Lost: {count}"),
    "report.certificates": ("Certificats d'effacement émis : {count}", "Wipe certificates issued: {count}"),
    "report.reuse_rate": ("Taux de réemploi : {rate}", "Reuse rate: {rate}"),
    "report.by_state": ("Répartition par état actuel — {parts}", "By current state — {parts}"),
    "report.impact": ("Impact environnemental estimé", "Estimated environmental impact"),
    "report.impact_totals": (
        "Déchets électroniques évités : {kg} kg — émissions évitées : {co2e} kg CO2e",
        "Electronic waste avoided: {kg} kg — emissions avoided: {co2e} kg CO2e",
    ),
    "report.impact_method": (
        "Méthode : pour chaque appareil remis à un bénéficiaire, les déchets d'équipements électriques et "
        "électroniques évités valent sa masse typique et les émissions évitées celles de l'achat d'un appareil "
        "neuf équivalent, selon les facteurs par catégorie ci-dessous (configurables, source citée).",
        "Method: for each device handed over to a beneficiary, the electrical and electronic waste avoided is "
        "its typical mass and the emissions avoided are those of buying an equivalent new device, by the "
        "per-category factors below (configurable, source cited).",
    ),
    "report.factor_source": ("Masse : {weight}. CO2e : {co2e}.", "Mass: {weight}. CO2e: {co2e}."),
    "report.factor.kg": ("kg par appareil", "kg per device"),
    "report.factor.co2e": ("kg CO2e par appareil", "kg CO2e per device"),
    "report.factor.source": ("Source", "Source"),
    "report.privacy": (
        "Protection des données : ce rapport ne contient aucune donnée personnelle. Pour un appareil remis, "
        "seuls le département et la catégorie de bénéficiaire sont indiqués. Chaque certificat d'effacement "
        "se vérifie en ligne à partir de son numéro.",
        "Data protection: this report holds no personal data. For a device handed over, only the département "
        "and the beneficiary category are given. Each wipe certificate can be verified online from its number.",
    ),
    "report.details": ("Détail par appareil", "Device by device"),
    "report.no_device": ("Aucun appareil dans ce don.", "No device in this donation."),
    "report.file_name": ("rapport-tracabilite-{reference}", "traceability-report-{reference}"),
    # The report's columns, by field of the row: the CSV heading (else the `field.` word); `.short`,
    # where there is one, heads the narrow PDF column.
    "report.column.declared_at": ("Déclaré le", "Declared on"),
    "report.column.declared_at.short": ("Déclaré", "Declared"),
    "report.column.collected_at": ("Collecté le", "Collected on"),
    "report.column.collected_at.short": ("Collecté", "Collected"),
    "report.column.received_at": ("Réceptionné le", "Received on"),
    "report.column.received_at.short": ("Réceptionné", "Received"),
    "report.column.wiped_at": ("Effacé le", "Wiped on"),
    "report.column.wiped_at.short": ("Effacé", "Wiped"),
    "report.column.ready_at": ("Prêt le", "Ready on"),
    "report.column.ready_at.short": ("Prêt", "Ready"),
    "report.column.handed_over_at": ("Remis le", "Handed over on"),
    "report.column.handed_over_at.short": ("Remis", "Handed"),
    "report.column.recycled_at": ("Recyclé le", "Recycled on"),
    "report.column.recycled_at.short": ("Recyclé", "Recycled"),
    "report.column.certificate_number": ("N° certificat d'effacement", "Wipe certificate no."),
    "report.column.certificate_number.short": ("N° certificat", "Certificate no."),
    "report.column.grade": ("Grade", "Grade"),
    "report.column.recycle_channel": ("Filière de recyclage", "Recycling channel"),
    "report.column.recycle_channel.short": ("Filière", "Channel"),
    "report.column.recycle_weight_kg": ("Poids recyclé (kg)", "Recycled weight (kg)"),
    "report.column.recycle_weight_kg.short": ("Poids kg", "Weight"),
    "report.column.departement": ("Département", "Département"),
    "report.column.departement.short": ("Dépt", "Dept."),
    "report.column.beneficiary_category": ("Catégorie de bénéficiaire", "Beneficiary category"),
    "report.column.beneficiary_category.short": ("Bénéficiaire", "Beneficiary"),
    # --- the committee's figures (ordi.stats) ---
    "stats.stage.declared": ("Déclarés", "Declared"),
    "stats.stage.collected": ("Enlevés", "Collected"),
    "stats.stage.received": ("Réceptionnés", "Received"),
    "stats.stage.wiped": ("Effacés", "Wiped"),
    "stats.stage.wipe_failed": ("Effacements échoués", "Failed wipes"),
    "stats.stage.refurbished": ("Reconditionnés", "Refurbished"),
    "stats.stage.reserved": ("Réservés", "Reserved"),
    "stats.stage.shipped": ("Expédiés", "Shipped"),
    "stats.stage.delivered": ("Livrés", "Delivered"),
    "stats.stage.redistributed": ("Remis aux bénéficiaires", "Handed over"),
    "stats.stage.returned": ("Retournés", "Returned"),
    "stats.stage.recycled": ("Recyclés", "Recycled"),
    "stats.stage.lost": ("Perdus", "Lost"),
    "stats.stage.withdrawn": ("Retirés par le donateur", "Withdrawn by the donor"),
    "stats.lead.declared_collected": ("Déclaration → enlèvement", "Declared → collected"),
    "stats.lead.received_ready": ("Réception → prêt", "Received → ready"),
    "stats.lead.ready_handed_over": ("Prêt → remis", "Ready → handed over"),
    "stats.lead.approved_delivered": ("Demande approuvée → livraison", "Request approved → delivered"),
    "stats.lead.request_decided": ("Demande → décision", "Request → decision"),
    "stats.age.bucket": ("{low} à {high} jours", "{low} to {high} days"),
    "stats.age.over": ("plus de {low} jours", "over {low} days"),
    "stats.none": ("(aucun)", "(none)"),
    "stats.table.stages": ("Volumes par étape", "Volumes per stage"),
    "stats.table.series": ("Volumes par période", "Volumes per period"),
    "stats.table.stock": ("Stock actuel", "Current stock"),
    "stats.table.stock_age": ("Âge du stock depuis la dernière étape", "Stock age since the last step"),
    "stats.table.lead_times": ("Délais (jours)", "Lead times (days)"),
    "stats.table.reuse": ("Réemploi et effacements", "Reuse and wipes"),
    "stats.table.beneficiaries": ("Remises par catégorie de bénéficiaire", "Hand-overs per beneficiary category"),
    "stats.table.requests": ("Demandes des associations", "Associations' requests"),
    "stats.table.impact": ("Impact et facteurs", "Impact and factors"),
    "stats.table.groups": ("Chiffres par groupe", "Figures per group"),
    "stats.small_cells.rule": (
        "Toute case qui compte des personnes (bénéficiaires) et vaut de 1 à {limit} s'affiche « < {threshold} » ; "
        "si une seule case d'un tableau est ainsi masquée, la plus petite autre case non nulle l'est aussi, "
        "pour qu'aucune ne se déduise du total par soustraction. Un total inférieur à {threshold} n'est pas "
        "publié. Avec un filtre ou un regroupement par catégorie de bénéficiaire, les remises ne figurent "
        "que dans ces cases.",
        "Every cell that counts people (beneficiaries) and is 1 to {limit} shows as '< {threshold}'; if only one "
        "cell of a table is hidden so, the smallest other non-zero cell is hidden too, so that none can be "
        "recovered from the total by subtraction. A total under {threshold} is not published. With a "
        "beneficiary-category filter or grouping, hand-overs only appear in those cells.",
    ),
    "stats.method.stages": (
        "Étapes enregistrées dans l'historique pendant la période, par action (un appareil retourné puis remis "
        "deux fois compte deux remises).",
        "Steps recorded in the history during the period, by action.",
    ),
    "stats.method.reuse": (
        "Taux de réemploi = remis ÷ (remis + recyclés), chaque appareil compté une fois selon son dernier sort "
        "de la période : remis puis retourné puis recyclé compte comme recyclé ; retourné ou perdu : ni l'un ni "
        "l'autre. Le filtre de catégorie de bénéficiaire ne s'y applique pas.",
        "Reuse rate = handed over ÷ (handed over + recycled), each device counted once by its last fate in the period.",
    ),
    "stats.method.lead_times": (
        "Durées en jours entiers (arrondis à l'inférieur) des appareils arrivés à l'étape finale pendant la "
        "période ; médiane et 90e centile au rang le plus proche.",
        "Durations in whole days of the devices that reached the end step in the period; median and 90th "
        "percentile by nearest rank.",
    ),
    "stats.method.stock": (
        "Stock actuel (indépendant de la période) : appareils ni remis, ni recyclés, ni perdus ; âge depuis "
        "leur dernière étape. Le filtre de catégorie de bénéficiaire ne s'y applique pas.",
        "Current stock (whatever the period): devices neither handed over, recycled nor lost; age since "
        "their last step.",
    ),
    "stats.method.dimensions": (
        "Région et département : ceux de l'atelier en charge de l'appareil au moment de l'étape (du donateur "
        "avant tout atelier). Donateur, atelier, catégorie et grade : ceux de l'appareil après l'étape.",
        "Région and département: those of the workshop in charge of the device at the step (of the donor "
        "before any workshop).",
    ),
    "stats.method.requests": (
        "Demandes faites pendant la période (région et département de l'association, catégorie demandée ; "
        "les autres filtres ne s'y appliquent pas) : appareils attribués ÷ demandés, attente jusqu'à la "
        "décision.",
        "Requests made in the period: devices allocated ÷ requested, wait until the decision.",
    ),
    "stats.method.impact": (
        "Impact des appareils remis selon leur dernier sort de la période, par catégorie, avec les facteurs "
        "et leurs sources ; heures d'insertion = minutes de travail des reconditionnements ÷ 60.",
        "Impact of the devices handed over by their last fate in the period, per category; insertion "
        "hours = refurbishment labour minutes ÷ 60.",
    ),
    "stats.method.source": (
        "Chaque chiffre se recalcule depuis l'historique pseudonymisé (/api/v1/stats/events.csv) et les "
        "demandes (/api/v1/stats/requests.csv).",
        "Every figure can be recomputed from the pseudonymised history (/api/v1/stats/events.csv) and the "
        "requests (/api/v1/stats/requests.csv).",
    ),
}


# --------------------------------------------------------------------------- the yearly bilan and /comite
# The committee's bilan PDF (`ordi.stats.bilan_pdf`), its charts (`ordi.stats.charts`) and the
# dashboard page (`ordi/stats/templates/comite.html`): one block, merged into WORDS below.

_MONTHS_EN_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
_MONTHS_FR_LONG = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_MONTHS_EN_LONG = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

BILAN_WORDS: dict[str, tuple[str, str]] = {
    **{f"bilan.month.{i + 1}": (fr, en) for i, (fr, en) in enumerate(zip(_MONTHS_FR, _MONTHS_EN_SHORT, strict=True))},
    **{
        f"bilan.month.long.{i + 1}": (fr.capitalize(), en)
        for i, (fr, en) in enumerate(zip(_MONTHS_FR_LONG, _MONTHS_EN_LONG, strict=True))
    },
    "bilan.document_title": ("Bilan {year} du programme Ordi 2.0", "Ordi 2.0 programme: {year} review"),
    "bilan.kicker": ("Programme Ordi 2.0 · comité de pilotage", "Ordi 2.0 programme · steering committee"),
    "bilan.title": ("Bilan de l'année {year}", "Review of the year {year}"),
    "bilan.period": ("Du {start} au {end}", "From {start} to {end}"),
    "bilan.generated": ("Édité le {at} (heure de Paris).", "Generated on {at} (Paris time)."),
    "bilan.footer": (
        "Ordi 2.0 · bilan {year} · aucune donnée personnelle",
        "Ordi 2.0 · {year} review · no personal data",
    ),
    "bilan.page": ("page {number} sur {total}", "page {number} of {total}"),
    "bilan.cover_note": (
        "Chiffres calculés à partir du journal des étapes des appareils (déclaration, collecte, effacement, "
        "reconditionnement, remise, recyclage). Méthode, facteurs d'impact et leurs sources en annexe. Aucune "
        "personne n'est nommée ; les effectifs de moins de 11 personnes sont masqués.",
        "Figures computed from the log of the devices' steps (declaration, collection, wipe, refurbishment, "
        "hand-over, recycling). Method, impact factors and their sources in the annex. No one is named; counts "
        "of fewer than 11 people are suppressed.",
    ),
    "bilan.contents": ("Sommaire", "Contents"),
    "bilan.tile.collected": ("appareils collectés", "devices collected"),
    "bilan.tile.redistributed": ("appareils remis à des bénéficiaires", "devices handed over to beneficiaries"),
    "bilan.tile.reuse_rate": ("taux de réemploi", "reuse rate"),
    "bilan.tile.co2e": ("tonnes de CO2e évitées (≈)", "tonnes of CO2e avoided (≈)"),
    "bilan.tile.ewaste": ("tonnes de déchets électroniques évitées (≈)", "tonnes of e-waste avoided (≈)"),
    "bilan.tile.hours": ("heures de travail en insertion", "hours of work in insertion"),
    "bilan.section.key_figures": ("1. Chiffres clés", "1. Key figures"),
    "bilan.section.volumes": ("2. Volumes par mois et par étape", "2. Volumes by month and stage"),
    "bilan.section.stock": ("3. Stock et ancienneté", "3. Stock and its age"),
    "bilan.section.lead_times": ("4. Délais", "4. Lead times"),
    "bilan.section.reuse": ("5. Réemploi et effacement", "5. Reuse and wiping"),
    "bilan.section.regions": ("6. Par région", "6. By région"),
    "bilan.section.workshops": ("7. Par atelier", "7. By workshop"),
    "bilan.section.beneficiaries": ("8. Bénéficiaires", "8. Beneficiaries"),
    "bilan.section.impact": ("9. Impact", "9. Impact"),
    "bilan.section.annex": ("Annexe : méthode et sources", "Annex: method and sources"),
    "bilan.section.factors": (
        "Facteurs d'impact (jeu de facteurs {version})",
        "Impact factors (factor set {version})",
    ),
    "bilan.col.figure": ("Indicateur", "Figure"),
    "bilan.col.value": ("Valeur", "Value"),
    "bilan.col.period": ("Période", "Period"),
    "bilan.col.lead": ("Délai", "Lead time"),
    "bilan.col.devices": ("Appareils", "Devices"),
    "bilan.col.region": ("Région", "Région"),
    "bilan.col.stock": ("Stock", "Stock"),
    "bilan.col.workshop": ("Atelier (région)", "Workshop (région)"),
    "bilan.col.hours": ("Heures", "Hours"),
    "bilan.col.beneficiary": ("Catégorie de bénéficiaire", "Beneficiary category"),
    "bilan.col.people": ("Personnes", "People"),
    "bilan.col.category": ("Catégorie", "Category"),
    "bilan.col.kg": ("kg / appareil", "kg / device"),
    "bilan.col.co2e": ("kg CO2e / appareil", "kg CO2e / device"),
    "bilan.col.sources": ("Sources (masse, puis CO2e)", "Sources (mass, then CO2e)"),
    "bilan.total": ("Total", "Total"),
    "bilan.unknown": ("Non renseignée", "Not given"),
    "bilan.no_data": ("pas de donnée", "no data"),
    "bilan.days": ("{days} j", "{days} d"),
    "bilan.median": ("Médiane", "Median"),
    "bilan.p90": ("90e centile", "90th percentile"),
    "bilan.quarter": ("T{q} {year}", "Q{q} {year}"),
    "bilan.stage.declared": ("Déclarés", "Declared"),
    "bilan.stage.collected": ("Collectés", "Collected"),
    "bilan.stage.received": ("Réceptionnés", "Received"),
    "bilan.stage.wiped": ("Effacés (effacement réussi)", "Wiped (passed)"),
    "bilan.stage.wipe_failed": ("Effacements en échec", "Failed wipes"),
    "bilan.stage.refurbished": ("Reconditionnés", "Refurbished"),
    "bilan.stage.redistributed": ("Remis à un bénéficiaire", "Handed over to a beneficiary"),
    "bilan.stage.returned": ("Retournés", "Returned"),
    "bilan.stage.recycled": ("Recyclés", "Recycled"),
    "bilan.stage.lost": ("Perdus", "Lost"),
    "bilan.stage.short.declared": ("Déclarés", "Declared"),
    "bilan.stage.short.collected": ("Collectés", "Collected"),
    "bilan.stage.short.wiped": ("Effacés", "Wiped"),
    "bilan.stage.short.wipe_failed": ("Échecs", "Failed"),
    "bilan.stage.short.refurbished": ("Recond.", "Refurb."),
    "bilan.stage.short.redistributed": ("Remis", "Handed"),
    "bilan.stage.short.recycled": ("Recyclés", "Recycled"),
    "bilan.reuse_rate": ("Taux de réemploi", "Reuse rate"),
    "bilan.wipe_failure_rate": ("Taux d'échec de l'effacement", "Wipe failure rate"),
    "bilan.stock_now": ("Stock actuel (appareils dans le circuit)", "Current stock (devices in the pipeline)"),
    "bilan.kg_ewaste": ("Déchets électroniques évités (kg)", "E-waste avoided (kg)"),
    "bilan.kg_co2e_avoided": ("Émissions évitées (kg CO2e)", "Emissions avoided (kg CO2e)"),
    "bilan.labour_hours": ("Heures de travail en insertion", "Insertion labour hours"),
    "bilan.kg_co2e": ("{kg} kg CO2e", "{kg} kg CO2e"),
    "bilan.key_figures_note": (
        "Étapes enregistrées pendant la période (un appareil effacé deux fois compte deux fois dans « effacés ») ; "
        "stock : à la date d'édition.",
        "Steps recorded in the period (a device wiped twice counts twice in “wiped”); stock: at the date of "
        "generation.",
    ),
    "bilan.chart.volumes": ("Étapes enregistrées chaque mois", "Steps recorded each month"),
    "bilan.chart.stock": ("Appareils dans le circuit, par état", "Devices in the pipeline, by state"),
    "bilan.chart.age": (
        "Ancienneté du stock : jours depuis la dernière étape (les plus anciens d'abord)",
        "Age of the stock: days since the last step (oldest first)",
    ),
    "bilan.chart.lead_times": (
        "Délais en jours : médiane et 90e centile",
        "Lead times in days: median and 90th percentile",
    ),
    "bilan.chart.wipes": ("Effacements réussis et en échec chaque mois", "Wipes passed and failed each month"),
    "bilan.source.mass": ("Masse : {text}", "Mass: {text}"),
    "bilan.source.co2e": ("CO2e : {text}", "CO2e: {text}"),
    "bilan.chart.reuse": ("Taux de réemploi de chaque mois", "Reuse rate of each month"),
    "bilan.chart.beneficiaries": ("Personnes équipées, par catégorie", "People equipped, by category"),
    "bilan.chart.impact": ("Émissions évitées par catégorie d'appareil", "Emissions avoided by device category"),
    "bilan.stock_note": ("État au {date}.", "As of {date}."),
    "bilan.age_note": (
        "Un appareil ancien dans un même état signale un goulet : collecte en attente, effacement, "
        "reconditionnement ou attribution.",
        "A device long in the same state points at a bottleneck: pickup, wipe, refurbishment or allocation.",
    ),
    "bilan.age.over": ("{days} jours et plus", "{days} days and more"),
    "bilan.age.between": ("de {low} à {high} jours", "{low} to {high} days"),
    "bilan.age.under": ("moins de {days} jours", "under {days} days"),
    "bilan.lead.declared_collected": ("Déclaration → collecte", "Declared → collected"),
    "bilan.lead.received_ready": ("Réception → prêt", "Received → ready"),
    "bilan.lead.ready_handed_over": ("Prêt → remise au bénéficiaire", "Ready → handed over"),
    "bilan.lead.approved_delivered": ("Demande approuvée → livraison", "Request approved → delivered"),
    "bilan.reuse_text": (
        "Taux de réemploi de la période : {rate} ({redistributed} appareils remis, {recycled} recyclés). Taux "
        "d'échec de l'effacement : {wipe}.",
        "Reuse rate of the period: {rate} ({redistributed} devices handed over, {recycled} recycled). Wipe "
        "failure rate: {wipe}.",
    ),
    "bilan.map_legend": (
        "Remises de l'année, par région de l'atelier ; « < {small} » : effectif masqué.",
        "Hand-overs of the year, by the workshop's région; “< {small}”: suppressed count.",
    ),
    "bilan.regions_note": (
        "Chaque étape compte dans la région de l'atelier qui l'a enregistrée ; les remises, dans celle de "
        "l'atelier qui a reconditionné l'appareil ; le stock, dans celle de l'organisation qui le détient "
        "aujourd'hui. La colonne « Remis » compte des personnes : un effectif de moins de {small} est "
        "remplacé par « < {small} », et un second effectif de la colonne est masqué avec lui pour qu'aucun "
        "ne se déduise du total.",
        "Each step counts in the région of the workshop that recorded it; hand-overs in that of the workshop "
        "that refurbished the device; stock in that of its custodian today. The “Handed” column counts "
        "people: a count under {small} reads “< {small}”, and a second count of the column is suppressed with "
        "it so that none can be derived from the total.",
    ),
    "bilan.small_cell_rule": (
        "Règle des petits effectifs : une case qui compte moins de {small} personnes est remplacée par "
        "« < {small} » ; quand une seule case d'un tableau est masquée, la plus petite autre case l'est aussi, "
        "pour qu'elle ne se retrouve pas par soustraction du total.",
        "Small-cell rule: a cell of fewer than {small} people reads “< {small}”; when only one cell of a table "
        "is suppressed, the smallest other cell is suppressed too, so that it cannot be recovered by "
        "subtracting from the total.",
    ),
    "bilan.impact_text": (
        "Déchets électroniques évités : ≈ {kg} kg ; émissions évitées : ≈ {co2e} kg CO2e ; travail en "
        "insertion : {hours} heures. Facteurs du jeu {version}, avec leurs sources en annexe.",
        "E-waste avoided: ≈ {kg} kg; emissions avoided: ≈ {co2e} kg CO2e; insertion work: {hours} hours. "
        "Factors of set {version}, with their sources in the annex.",
    ),
    "bilan.method.source.title": ("Source des chiffres", "Where the figures come from"),
    "bilan.method.source": (
        "Chaque appareil a un historique d'étapes inaltérable ; chaque chiffre de ce bilan est un compte de ces "
        "étapes sur l'année civile (heure UTC), ou, pour le stock, l'état des appareils au jour de l'édition. "
        "L'export pseudonymisé du journal (GET /api/v1/stats/events.csv) permet à chacun de les recalculer.",
        "Every device has an unalterable history of steps; each figure of this review counts those steps over "
        "the calendar year (UTC), or, for the stock, the devices' state on the day of generation. The "
        "pseudonymised export of the log (GET /api/v1/stats/events.csv) lets anyone recompute them.",
    ),
    "bilan.method.stages.title": ("Volumes", "Volumes"),
    "bilan.method.stages": (
        "Déclarés, collectés, réceptionnés, effacés, reconditionnés, remis, retournés, recyclés, perdus : nombre "
        "d'étapes de ce type enregistrées dans la période. Un effacement en échec laisse l'appareil réceptionné ; "
        "il compte dans les échecs.",
        "Declared, collected, received, wiped, refurbished, handed over, returned, recycled, lost: number of "
        "steps of that kind recorded in the period. A failed wipe leaves the device received; it counts among "
        "the failures.",
    ),
    "bilan.method.stock.title": ("Stock et ancienneté", "Stock and age"),
    "bilan.method.stock": (
        "Appareils déclarés non encore collectés, ou entre les mains d'un atelier ou d'un transporteur (ni remis, "
        "ni recyclés, ni perdus), par état ; ancienneté : jours écoulés depuis leur dernière étape.",
        "Devices declared and not yet collected, or in the hands of a workshop or carrier (neither handed over, "
        "recycled nor lost), by state; age: days since their last step.",
    ),
    "bilan.method.lead_times.title": ("Délais", "Lead times"),
    "bilan.method.lead_times": (
        "Pour chaque appareil dont la seconde étape tombe dans la période : jours entre la première et la "
        "seconde. Médiane et 90e centile au rang le plus proche (des valeurs observées).",
        "For every device whose second step falls in the period: days between the first and the second. Median "
        "and 90th percentile by nearest rank (observed values).",
    ),
    "bilan.method.reuse.title": ("Taux de réemploi et d'échec", "Reuse and failure rates"),
    "bilan.method.reuse": (
        "Réemploi : remis ÷ (remis + recyclés). Échec de l'effacement : effacements en échec ÷ effacements tentés.",
        "Reuse: handed over ÷ (handed over + recycled). Wipe failure: failed wipes ÷ wipes attempted.",
    ),
    "bilan.method.regions.title": ("Régions et ateliers", "Régions and workshops"),
    "bilan.method.regions": (
        "Région de l'atelier qui a enregistré l'étape, d'après le code postal de son adresse (code officiel "
        "géographique de l'Insee).",
        "Région of the workshop that recorded the step, from its address's postcode (Insee official geographic code).",
    ),
    "bilan.method.impact.title": ("Impact", "Impact"),
    "bilan.method.impact": (
        "Par appareil remis d'une catégorie : sa masse typique (déchets électroniques évités) et les émissions "
        "évitées par l'achat d'un appareil reconditionné au lieu d'un neuf. Heures d'insertion : somme des "
        "minutes de travail déclarées au reconditionnement. Ce sont des ordres de grandeur (≈) ; les facteurs "
        "se règlent (ORDI_IMPACT_FACTORS).",
        "Per device handed over of a category: its typical mass (e-waste avoided) and the emissions avoided by "
        "buying a refurbished device instead of a new one. Insertion hours: the sum of the labour minutes "
        "recorded at refurbishment. These are orders of magnitude (≈); the factors are configurable "
        "(ORDI_IMPACT_FACTORS).",
    ),
    "bilan.method.small_cells.title": ("Petits effectifs", "Small cells"),
    "bilan.method.small_cells": (
        "Aucune donnée personnelle n'entre dans ce bilan. Tout effectif de personnes (remises, catégories de "
        "bénéficiaires) inférieur à {small} est remplacé par « < {small} », et une case complémentaire est "
        "masquée avec lui quand il est seul masqué de son tableau.",
        "No personal data goes into this review. Every count of people (hand-overs, beneficiary categories) "
        "under {small} reads “< {small}”, and a complementary cell is suppressed with it when it is the only "
        "suppressed one of its table.",
    ),
    "bilan.map_title": ("Remises par région de l'atelier", "Hand-overs by the workshop's région"),
    "comite.bar": ("comité de pilotage", "steering committee"),
    "comite.title": ("Tableau de bord du comité", "Committee dashboard"),
    "comite.from": ("Du", "From"),
    "comite.to": ("Au", "To"),
    "comite.grain": ("Pas", "Grain"),
    "comite.grain.month": ("par mois", "by month"),
    "comite.grain.quarter": ("par trimestre", "by quarter"),
    "comite.grain.year": ("par année", "by year"),
    "comite.show": ("Afficher", "Show"),
    "comite.exports": ("Téléchargements", "Downloads"),
    "comite.link.bilan": ("Bilan {year} (PDF)", "{year} review (PDF)"),
    "comite.link.csv": ("Chiffres (CSV)", "Figures (CSV)"),
    "comite.link.json": ("Chiffres (JSON)", "Figures (JSON)"),
    "comite.link.events": ("Journal pseudonymisé (CSV)", "Pseudonymised log (CSV)"),
    "comite.section.volumes": ("Volumes et réemploi", "Volumes and reuse"),
    "comite.col.workshop": ("Atelier", "Workshop"),
    "comite.sources": (
        "Les sources de chaque facteur et la méthode sont en annexe du bilan {year} (PDF).",
        "The source of every factor and the method are in the annex of the {year} review (PDF).",
    ),
    "comite.generated": ("Chiffres calculés le {at} (heure de Paris).", "Figures computed on {at} (Paris time)."),
    "comite.home": ("Retour à l'accueil", "Back to the home page"),
    "comite.login.title": ("Connexion requise", "Login required"),
    "comite.login.text": (
        "Le tableau de bord du comité est réservé aux membres du comité de pilotage et à l'opérateur du "
        "programme. Connectez-vous pour le consulter.",
        "The committee's dashboard is for the members of the steering committee and the programme's "
        "operator. Log in to read it.",
    ),
    "comite.login.link": ("Se connecter", "Log in"),
    "comite.table_scroll": ("Tableau (défilement horizontal)", "Table (scrolls sideways)"),
    "comite.logout": ("Se déconnecter", "Log out"),
    "comite.not_found.title": ("Page introuvable", "Page not found"),
    "comite.not_found.text": (
        "Cette page n'existe pas ou n'est pas accessible avec ce compte.",
        "This page does not exist or is not available to this account.",
    ),
}
WORDS.update(BILAN_WORDS)
MESSAGES.update(
    {
        "bilan_year_invalid": (
            "L'année du bilan est invalide : AAAA.pdf, de 2000 à {max}.",
            "Invalid year for the review: YYYY.pdf, from 2000 to {max}.",
        ),
        "bilan_grain_invalid": (
            "Le pas est invalide : month, quarter ou year.",
            "Invalid grain: month, quarter or year.",
        ),
        "bilan_series_too_long": (
            "La période est trop longue pour ce pas : {max} points au plus.",
            "The period is too long for this grain: {max} points at most.",
        ),
    }
)


# --------------------------------------------------------------------------- words of the web application
#
# The pages of `ordi.web` (and the packages that add their own templates to it), by key: a template
# says `{{ t("nav.donations") }}`; `{name}` marks what `t(key, name=...)` fills in.

WEB_WORDS: dict[str, tuple[str, str]] = {
    "site.name": ("Ordi 2.0", "Ordi 2.0"),
    "site.tagline": ("logistique du réemploi", "reuse logistics"),
    "site.skip": ("Aller au contenu", "Skip to content"),
    "site.menu": ("Menu principal", "Main menu"),
    "site.lang_switch": ("English", "Français"),
    "site.lang_switch_label": ("Read this page in English", "Lire cette page en français"),
    "site.footer": (
        "Programme national Ordi 2.0 — des ordinateurs réemployés pour réduire la fracture numérique.",
        "Ordi 2.0 national programme — reused computers against the digital divide.",
    ),
    "site.api": ("API et documentation", "API and documentation"),
    "site.signed_in_as": ("Connecté : {name}", "Signed in: {name}"),
    "nav.home": ("Accueil", "Home"),
    "nav.donations": ("Mes dons", "My donations"),
    "nav.new_donation": ("Nouveau don", "New donation"),
    "nav.import": ("Importer un tableur", "Import a spreadsheet"),
    "nav.workshop": ("Atelier", "Workshop"),
    "nav.scan": ("Poste de scan", "Scanning station"),
    "nav.requests": ("Demandes", "Requests"),
    "nav.admin": ("Administration", "Administration"),
    "nav.committee": ("Comité", "Committee"),
    "nav.login": ("Connexion", "Log in"),
    "nav.logout": ("Se déconnecter", "Log out"),
    # --- "Mon compte" and the password-reset link (ordi/web/account.py)
    "nav.account": ("Mon compte", "My account"),
    "account.title": ("Mon compte", "My account"),
    "account.password": ("Changer de mot de passe", "Change my password"),
    "account.current": ("Mot de passe actuel", "Current password"),
    "account.new": ("Nouveau mot de passe (12 caractères au moins)", "New password (at least 12 characters)"),
    "account.confirm": ("Le même, encore une fois", "The same, once more"),
    "account.save": ("Enregistrer le mot de passe", "Save the password"),
    "account.changed": (
        "Mot de passe changé : vos autres sessions ont pris fin.",
        "Password changed: your other sessions have ended.",
    ),
    "account.mismatch": ("Les deux mots de passe diffèrent.", "The two passwords differ."),
    "account.sessions": ("Mes sessions", "My sessions"),
    "account.sessions_text": (
        "Un appareil perdu, un poste partagé ? Mettez fin à toutes vos sessions, ici comprise, et à "
        "tous vos jetons d'accès.",
        "A lost device, a shared computer? End all your sessions, this one included, and all your access tokens.",
    ),
    "account.logout_all": ("Me déconnecter partout", "Log out everywhere"),
    "account.notifications": (
        "Les avis ci-dessous vous arrivent par e-mail et dans la liste de vos notifications ; décochez ceux "
        "dont vous ne voulez pas. Les liens de mot de passe vous sont toujours envoyés.",
        "The notices below reach you by e-mail and in your notifications list; untick those you do not want. "
        "Password links are always sent.",
    ),
    "account.notices": ("Mes avis par e-mail", "My e-mail notices"),
    "account.notices_legend": ("Me prévenir quand…", "Tell me when…"),
    "account.notices_save": ("Enregistrer mes avis", "Save my notices"),
    "account.notices_saved": ("Vos choix d'avis sont enregistrés.", "Your notice choices are saved."),
    "account.last_notifications": ("Mes dernières notifications", "My last notifications"),
    "account.no_notifications": ("Aucune notification pour l'instant.", "No notification yet."),
    "forgotten.title": ("Mot de passe oublié", "Forgotten password"),
    "forgotten.link": ("Mot de passe oublié ?", "Forgotten password?"),
    "forgotten.text": (
        "Indiquez l'adresse e-mail de votre compte : vous recevrez un lien à usage unique pour choisir "
        "un nouveau mot de passe.",
        "Give your account's e-mail address: you will receive a one-time link to choose a new password.",
    ),
    "forgotten.submit": ("Recevoir le lien", "Send me the link"),
    "forgotten.sent": (
        "Si un compte actif existe à cette adresse, un lien vient de lui être envoyé. Il sert une fois "
        "et expire bientôt.",
        "If an active account exists at this address, a link has just been sent to it. It works once and expires soon.",
    ),
    "reset.title": ("Choisir un nouveau mot de passe", "Choose a new password"),
    "reset.submit": ("Enregistrer et me connecter", "Save and log in"),
    "login.reset_done": (
        "Nouveau mot de passe enregistré : connectez-vous avec lui.",
        "New password saved: log in with it.",
    ),
    "kind.donor": ("Donateur", "Donor"),
    "kind.refurbisher": ("Atelier de reconditionnement", "Refurbishing workshop"),
    "kind.association": ("Association", "Association"),
    "kind.committee": ("Comité de pilotage", "Steering committee"),
    "kind.operator": ("Opérateur du programme", "Programme operator"),
    # errors shown as pages or form errors
    "error.title": ("Erreur {status}", "Error {status}"),
    "error.back_home": ("Retour à l'accueil", "Back to the home page"),
    "error.not_found": (
        "Cette page n'existe pas, ou vous n'y avez pas accès.",
        "This page does not exist, or you may not see it.",
    ),
    "error.csrf": (
        "Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.",
        "This form has expired or does not come from this site. Reload the page and try again.",
    ),
    "error.internal": (
        "Une erreur inattendue s'est produite. Réessayez dans un instant.",
        "An unexpected error occurred. Try again in a moment.",
    ),
    "error.form": ("Le formulaire contient des erreurs :", "The form has errors:"),
    "error.line": ("Ligne {line}, colonne « {column} » : {message}", "Line {line}, column “{column}”: {message}"),
    # home and login
    "home.title": ("Ordi 2.0 — des ordinateurs pour toutes et tous", "Ordi 2.0 — computers for everyone"),
    "home.lead": (
        "Ordi 2.0 suit chaque ordinateur donné par une entreprise ou un service public : collecte, effacement "
        "certifié des données, reconditionnement par une structure d'insertion, puis remise à une personne qui "
        "en a besoin, par une association labellisée.",
        "Ordi 2.0 follows every computer given by a company or a public body: collection, certified data "
        "erasure, refurbishment by a social-insertion workshop, then hand-over to someone who needs it, "
        "through a labelled association.",
    ),
    "home.steps": ("Le parcours d'un appareil", "A device's journey"),
    "home.step.declare": (
        "Le donateur déclare son don et demande l'enlèvement.",
        "The donor declares and asks for pickup.",
    ),
    "home.step.wipe": (
        "L'atelier collecte, efface les données (certificat signé) et reconditionne.",
        "The workshop collects, wipes the data (signed certificate) and refurbishes.",
    ),
    "home.step.hand_over": (
        "L'association reçoit l'appareil et le remet à un bénéficiaire.",
        "The association receives the device and hands it over to a beneficiary.",
    ),
    "home.login": ("Se connecter", "Log in"),
    "home.directory": ("Annuaire des lieux labellisés", "Directory of labelled places"),
    "home.directory_empty": ("Aucun lieu labellisé pour l'instant.", "No labelled place yet."),
    "home.directory_more": ("{shown} lieux sur {total}", "{shown} places of {total}"),
    "home.verify": ("Vérifier un certificat d'effacement", "Check a wipe certificate"),
    "home.verify_help": (
        "Numéro imprimé sur le certificat, par exemple CE-2026-000123.",
        "The number printed on the certificate, e.g. CE-2026-000123.",
    ),
    "home.verify_button": ("Vérifier", "Check"),
    "home.welcome": ("Bonjour {name}", "Hello {name}"),
    "home.person_lead": ("Votre espace : {kind}, {organisation}.", "Your space: {kind}, {organisation}."),
    "home.soon": (
        "Les écrans de votre rôle arrivent ; en attendant, l'API documentée sert tout ce que vous pouvez faire.",
        "The screens of your role are coming; meanwhile the documented API serves everything you may do.",
    ),
    "column.name": ("Nom", "Name"),
    "column.kind": ("Type", "Kind"),
    "column.place": ("Lieu", "Place"),
    "column.label": ("Label valable jusqu'au", "Label valid until"),
    "login.title": ("Connexion", "Log in"),
    "login.email": ("Adresse e-mail", "E-mail address"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Log in"),
    "login.ended": (
        "Votre session est terminée : reconnectez-vous.",
        "Your session has ended: log in again.",
    ),
    "login.required": ("Connectez-vous pour ouvrir cette page.", "Log in to open this page."),
    "login.logged_out": ("Vous êtes déconnecté.", "You are logged out."),
    "login.help": (
        "Votre compte est créé par l'opérateur du programme ou par le responsable de votre organisation.",
        "Your account is created by the programme operator or by your organisation's manager.",
    ),
    # scanning station and device page
    "station.title": ("Poste de scan", "Scanning station"),
    "station.code": (
        "Scanner une étiquette ou saisir un code (numéro d'inventaire ou de série)",
        "Scan a label or type a code (asset tag or serial number)",
    ),
    "station.search": ("Chercher", "Search"),
    "station.recent": ("Derniers scans sur ce poste", "Last scans on this station"),
    "station.camera": ("Scanner avec la caméra", "Scan with the camera"),
    "station.camera_stop": ("Arrêter la caméra", "Stop the camera"),
    "station.camera_unavailable": (
        "Caméra indisponible ici : scannez avec la douchette ou saisissez le code",
        "Camera unavailable here: use the barcode scanner or type the code",
    ),
    "station.nwipe_label": ("Journal nwipe (facultatif)", "nwipe log (optional)"),
    "station.nwipe_hint": (
        "Joint, le fichier écrit par nwipe --logfile fait foi : supports, méthode et heures en sont lus, "
        "les champs ci-dessous deviennent facultatifs (un niveau ou des numéros de série saisis servent à choisir).",
        "When attached, the file written by nwipe --logfile is the record: media, method and times are read from "
        "it and the fields below become optional (a level or serial numbers typed in are used to choose).",
    ),
    "station.certificate": ("Certificat d'effacement {number} (PDF)", "Wipe certificate {number} (PDF)"),
    "station.login_first": (
        "Connectez-vous avec le compte de votre atelier pour scanner.",
        "Log in with your workshop's account to scan.",
    ),
    "station.noscript": ("Le poste de scan a besoin de JavaScript.", "The scanning station needs JavaScript."),
    # the station's script (ordi/station/static/station.js), given to it by `station_words`
    "station.no_action": (
        "Aucune action possible maintenant pour votre organisation.",
        "No action is possible now for your organisation.",
    ),
    "station.network": (
        "Réseau indisponible : vérifiez la connexion puis réessayez.",
        "Network unavailable: check the connection and try again.",
    ),
    "station.done": ("{action} — {tag} : {state}.", "{action} — {tag}: {state}."),
    "station.refused": ("{action} — {tag} : {detail}", "{action} — {tag}: {detail}"),
    "station.failed": (
        "{action} enregistré en échec — {tag} reste « {state} ».",
        "{action} recorded as failed — {tag} stays “{state}”.",
    ),
    "station.from_log": ("{action} (journal nwipe)", "{action} (nwipe log)"),
    "station.camera_denied": (
        "Caméra indisponible : autorisez-la, ou scannez avec la douchette.",
        "Camera unavailable: allow it, or use the barcode scanner.",
    ),
    "station.recent_entry": ("{time} — {tag} : {state}", "{time} — {tag}: {state}"),
    "station.medium": ("Support {n}", "Medium {n}"),
    "station.add_medium": ("Ajouter un support", "Add a medium"),
    "station.medium_kind": ("Type de support", "Medium kind"),
    "station.medium_serial": ("N° de série du support", "Medium serial number"),
    "station.capacity_gb": ("Capacité (Go)", "Capacity (GB)"),
    "station.tool_version": ("Version de l'outil", "Tool version"),
    "station.tool_hint": ("nwipe, Blancco, hdparm…", "nwipe, Blancco, hdparm…"),
    "station.os_hint": ("Linux Mint, Windows 11, ChromeOS Flex…", "Linux Mint, Windows 11, ChromeOS Flex…"),
    # the method a wipe level suggests (the person may change it)
    "station.method.purge": ("NIST 800-88 Purge", "NIST 800-88 Purge"),
    "station.method.clear": ("NIST 800-88 Clear", "NIST 800-88 Clear"),
    "station.method.destroy": ("Destruction physique du support", "Physical destruction of the medium"),
    "station.os": ("Système installé", "Installed system"),
    "station.labour_minutes": ("Temps de travail (minutes)", "Labour time (minutes)"),
    "station.checks": (
        "Vérifications faites (séparées par des virgules)",
        "Checks done (separated by commas)",
    ),
    "station.circumstances": ("Circonstances", "Circumstances"),
    "station.association_id": ("Numéro de l'association", "Association number"),
    "grade.A": ("A — comme neuf", "A — as new"),
    "grade.B": ("B — bon état", "B — good condition"),
    "grade.C": ("C — usure visible", "C — visible wear"),
    "device.unknown_title": ("Étiquette inconnue", "Unknown label"),
    "device.unknown": (
        "Aucun appareil ne porte le numéro « {tag} ». Vérifiez l'étiquette.",
        "No device has the number “{tag}”. Check the label.",
    ),
    "device.heading": ("Appareil", "Device"),
    "device.number": ("Numéro", "Number"),
    "device.category": ("Catégorie", "Category"),
    "device.model": ("Modèle", "Model"),
    "device.state": ("État", "State"),
    "device.last_step": ("Dernière étape", "Last step"),
    "device.programme": (
        "Programme national Ordi 2.0 — des ordinateurs réemployés, effacés et reconditionnés par des structures "
        "d'insertion, pour les personnes éloignées du numérique.",
        "Ordi 2.0 national programme — computers reused, wiped and refurbished by social-insertion workshops, "
        "for people left out of the digital world.",
    ),
    # shared by the forms and lists
    "form.choose": ("— choisir —", "— choose —"),
    "form.optional": ("(facultatif)", "(optional)"),
    "form.save": ("Enregistrer", "Save"),
    "form.cancel": ("Annuler", "Cancel"),
    "form.back": ("Retour", "Back"),
    "form.keep": ("Ne rien changer", "Change nothing"),
    "form.reason": ("Motif", "Reason"),
    "form.confirm_needed": (
        "Cochez la case de confirmation : rien n'a été changé.",
        "Tick the confirmation box: nothing was changed.",
    ),
    "spec.cpu": ("Processeur", "CPU"),
    "spec.ram_gb": ("Mémoire vive (Go)", "RAM (GB)"),
    "spec.storage_gb": ("Stockage (Go)", "Storage (GB)"),
    "spec.storage_kind": ("Type de stockage", "Storage kind"),
    "spec.screen_inches": ("Écran (pouces)", "Screen (inches)"),
    "spec.year": ("Année", "Year"),
    "spec.os_licence": ("Système, licence", "System, licence"),
    "spec.unknown": ("— je ne sais pas —", "— I don't know —"),
    "pager.label": ("Pages de la liste", "List pages"),
    "table.region": ("Tableau (défile horizontalement)", "Table (scrolls sideways)"),
    "pager.first": ("← Début de la liste", "← Start of the list"),
    "pager.next": ("Suite →", "Next →"),
    # the donor's pages
    "donor.title": ("Mes dons", "My donations"),
    "donor.lead": (
        "Chaque don et l'état de ses appareils, du dépôt à leur remise à un bénéficiaire ou à leur recyclage.",
        "Each donation and the state of its devices, from drop-off to hand-over to a beneficiary or recycling.",
    ),
    "donor.none": (
        "Aucun don pour l'instant. Déclarez votre premier don ou importez votre inventaire.",
        "No donation yet. Declare your first donation or import your inventory.",
    ),
    "donor.reference": ("Référence", "Reference"),
    "donor.declared_on": ("Déclaré le", "Declared on"),
    "donor.devices": ("Appareils", "Devices"),
    "donor.by_state": ("Par état", "By state"),
    "donor.new_lead": (
        "Un appareil par bloc ; les blocs laissés vides sont ignorés.",
        "One device per block; blocks left empty are ignored.",
    ),
    "donor.or_import": ("Beaucoup d'appareils ? Importez un tableur.", "Many devices? Import a spreadsheet."),
    "donor.device_n": ("Appareil {n}", "Device {n}"),
    "donor.brand": ("Marque", "Brand"),
    "donor.serial": ("N° de série", "Serial number"),
    "donor.weight": ("Poids en kg", "Weight in kg"),
    "donor.has_storage": ("Contient un support de stockage (disque, SSD)", "Holds a storage medium (disk, SSD)"),
    "donor.add_device": ("Ajouter des appareils", "Add devices"),
    "donor.pickup_place": ("Lieu d'enlèvement", "Pickup place"),
    "donor.address": ("Adresse", "Address"),
    "donor.postcode": ("Code postal", "Postcode"),
    "donor.notes": ("Remarques", "Notes"),
    "donor.declare": ("Déclarer le don", "Declare the donation"),
    "donor.specs": ("Caractéristiques", "Specs"),
    "donor.actions": ("Actions", "Actions"),
    "donor.edit": ("Modifier le don", "Edit the donation"),
    "donor.edit_title": ("Modifier le don {reference}", "Edit donation {reference}"),
    "donor.edit_lead": (
        "Avant la collecte, le lieu d'enlèvement et les remarques se corrigent ici ; chaque appareil "
        "se modifie depuis la liste du don.",
        "Before collection, the pickup place and the notes are corrected here; each device is edited "
        "from the donation's list.",
    ),
    "donor.edited": ("Don modifié.", "Donation edited."),
    "donor.cancel": ("Annuler le don", "Cancel the donation"),
    "donor.cancel_title": ("Annuler le don {reference}", "Cancel donation {reference}"),
    "donor.cancel_text": (
        "Les {count} appareil(s) encore déclaré(s) seront retirés et ne seront pas collectés. Un enlèvement "
        "demandé pour ce seul don sera annulé. Le don reste dans votre historique.",
        "The {count} device(s) still declared will be withdrawn and not collected. A pickup asked for this "
        "donation alone will be cancelled. The donation stays in your history.",
    ),
    "donor.cancel_confirm": ("Oui, j'annule ce don", "Yes, I cancel this donation"),
    "donor.cancelled": (
        "Don annulé : ses appareils ne seront pas collectés.",
        "Donation cancelled: its devices will not be collected.",
    ),
    "donor.cancelled_on": ("Don annulé le {date}.", "Donation cancelled on {date}."),
    "donor.device_title": ("Appareil {tag}", "Device {tag}"),
    "donor.device_edit": ("Corriger la déclaration", "Correct the declaration"),
    "donor.device_change": ("Modifier", "Edit"),
    "donor.device_edit_label": ("Modifier ou retirer l'appareil {tag}", "Edit or remove device {tag}"),
    "donor.device_edited": ("Appareil {tag} modifié.", "Device {tag} edited."),
    "donor.device_removed": ("Appareil {tag} retiré du don.", "Device {tag} removed from the donation."),
    "donor.device_locked": (
        "Cet appareil n'est plus seulement déclaré : il ne se modifie plus ici.",
        "This device is no longer just declared: it cannot be edited here any more.",
    ),
    "donor.remove_title": ("Retirer cet appareil du don", "Remove this device from the donation"),
    "donor.remove_text": (
        "L'appareil ne sera pas collecté ; il reste visible dans l'historique du don.",
        "The device will not be collected; it stays visible in the donation's history.",
    ),
    "donor.remove_confirm": ("Oui, je retire cet appareil", "Yes, I remove this device"),
    "donor.remove": ("Retirer l'appareil", "Remove the device"),
    "donor.row_error": ("Appareil {row}, champ « {field} » : {message}", "Device {row}, field “{field}”: {message}"),
    "donor.donation": ("Don {reference}", "Donation {reference}"),
    "donor.created": (
        "Don enregistré : {count} appareil(s) déclaré(s).",
        "Donation recorded: {count} device(s) declared.",
    ),
    "donor.declared_summary": ("Déclaré le {date} — {count} appareil(s).", "Declared on {date} — {count} device(s)."),
    "donor.report": ("Rapport de traçabilité", "Traceability report"),
    "donor.report_help": (
        "Le devenir de chaque appareil, ses certificats d'effacement et l'impact du don.",
        "What became of each device, its wipe certificates and the donation's impact.",
    ),
    "donor.report_job": (
        "Pour un don de cette taille, le rapport est préparé en tâche de fond : sa progression s'affiche.",
        "For a donation this size the report is prepared in the background: its progress is shown.",
    ),
    "donor.report_pdf": ("Rapport PDF", "PDF report"),
    "donor.report_csv": ("Tableau CSV", "CSV table"),
    "donor.report_json": ("Données JSON", "JSON data"),
    "donor.devices_of": ("Appareils du don ({count})", "Devices of the donation ({count})"),
    "donor.certificates": ("Certificats", "Certificates"),
    # the pickup request
    "pickup.title": ("Enlèvement", "Pickup"),
    "pickup.status": ("Demande d'enlèvement n° {number} : {state}", "Pickup request no. {number}: {state}"),
    "pickup.scheduled_for": ("prévu le {date}", "planned on {date}"),
    "pickup.city": ("Ville", "City"),
    "pickup.access": ("Accès, étage, horaires", "Access, floor, hours"),
    "pickup.contact": ("Personne à contacter", "Contact person"),
    "pickup.phone": ("Téléphone", "Phone"),
    "pickup.day": ("Jour souhaité", "Preferred day"),
    "pickup.from": ("De", "From"),
    "pickup.to": ("À", "To"),
    "pickup.ask": ("Demander l'enlèvement", "Ask for pickup"),
    # the spreadsheet import
    "import.choose": ("Choisir le fichier", "Choose the file"),
    "import.another": ("Envoyer un fichier corrigé", "Send a corrected file"),
    "import.help": (
        "Une ligne d'en-tête (catégorie, marque, modèle, numéro de série…, en français ou en anglais), puis "
        "un appareil par ligne. Le fichier est d'abord vérifié : rien n'est enregistré avant votre confirmation.",
        "A header row (category, brand, model, serial number…, in French or English), then one device per "
        "line. The file is checked first: nothing is recorded before you confirm.",
    ),
    "import.file": ("Fichier", "File"),
    "import.formats": (
        "CSV (UTF-8 ou Windows-1252, séparateur ; , ou tabulation), Excel .xlsx, LibreOffice .ods",
        "CSV (UTF-8 or Windows-1252, separator ; , or tab), Excel .xlsx, LibreOffice .ods",
    ),
    "import.check": ("Vérifier le fichier", "Check the file"),
    "import.checked": ("Vérification de « {name} »", "Check of “{name}”"),
    "import.rows": ("lignes d'appareils", "device lines"),
    "import.errors": ("erreurs", "errors"),
    "import.format": ("format", "format"),
    "import.columns": ("Colonnes lues", "Columns read"),
    "import.column_in_file": ("Colonne du fichier", "Column in the file"),
    "import.column_read_as": ("Lue comme", "Read as"),
    "import.ignored": ("ignorée (inconnue)", "ignored (unknown)"),
    "import.fix": (
        "{count} erreur(s) : corrigez le fichier puis envoyez-le de nouveau. Rien n'a été enregistré.",
        "{count} error(s): fix the file and send it again. Nothing was recorded.",
    ),
    "import.ready": (
        "Le fichier est valide : {count} appareil(s) à déclarer.",
        "The file is valid: {count} device(s) to declare.",
    ),
    "import.confirm": ("Confirmer et déclarer {count} appareil(s)", "Confirm and declare {count} device(s)"),
    "import.field.category": ("catégorie", "category"),
    "import.field.brand": ("marque", "brand"),
    "import.field.model": ("modèle", "model"),
    "import.field.serial_number": ("numéro de série", "serial number"),
    "import.field.has_storage": ("support de stockage", "storage medium"),
    "import.field.weight_kg": ("poids (kg)", "weight (kg)"),
    "import.field.is_return": ("retour confirmé", "confirmed return"),
    # background jobs
    "job.title": ("Tâche en cours", "Job in progress"),
    "job.kind.donation_import": ("Import du tableur", "Spreadsheet import"),
    "job.kind.donation_report": ("Rapport de traçabilité", "Traceability report"),
    "job.kind.labels": ("Impression d'étiquettes", "Label printing"),
    "job.progress": ("Avancement", "Progress"),
    "job.download": ("Télécharger le fichier", "Download the file"),
    "job.status.queued": ("en attente", "queued"),
    "job.status.running": ("en cours", "running"),
    "job.status.succeeded": ("terminée", "finished"),
    "job.status.failed": ("échouée", "failed"),
    "job.open_result": ("Voir le résultat", "See the result"),
    "job.refresh": ("Actualiser", "Refresh"),
    # the workshop's pages
    "workshop.action": ("Action", "Action"),
    "workshop.open": ("Ouvrir", "Open"),
    "workshop.print": ("Imprimer des étiquettes", "Print labels"),
    "workshop.find": (
        "Ouvrir un appareil (numéro d'inventaire ou lien de l'étiquette)",
        "Open a device (asset tag or label link)",
    ),
    "workshop.stock": ("Appareils sous ma garde", "Devices in my custody"),
    "workshop.oldest": ("le plus ancien : {days} j", "oldest: {days} d"),
    "workshop.no_stock": ("Aucun appareil sous votre garde.", "No device in your custody."),
    "workshop.to_schedule": ("Enlèvements à planifier", "Pickups to schedule"),
    "workshop.scheduled": ("Enlèvements planifiés", "Scheduled pickups"),
    "workshop.to_claim": ("Enlèvements à prendre dans ma région", "Pickups to claim in my région"),
    "workshop.none": ("Aucun pour l'instant.", "None for now."),
    "workshop.devices_in": ("Appareils « {state} »", "Devices “{state}”"),
    "workshop.print_these": (
        "Imprimer les étiquettes de ces {count} appareils",
        "Print the labels of these {count} devices",
    ),
    "workshop.no_device": ("Aucun appareil dans cet état.", "No device in this state."),
    "workshop.grade": ("Grade", "Grade"),
    "workshop.label": ("Étiquette (PDF)", "Label (PDF)"),
    "workshop.certificate": ("Certificat {number}", "Certificate {number}"),
    "workshop.actions": ("Actions possibles", "Possible actions"),
    "workshop.history": ("Historique", "History"),
    "workshop.failed": ("en échec", "failed"),
    "pickup.number": ("Enlèvement", "Pickup"),
    "pickup.short": ("Enlèvement n° {number}", "Pickup no. {number}"),
    "pickup.claim": ("Prendre en charge", "Claim"),
    "pickup.window": ("Créneau", "Time window"),
    "pickup.scheduled": ("Prévu le", "Planned on"),
    "pickup.receipt": ("Bon d'enlèvement (PDF)", "Custody receipt (PDF)"),
    "pickup.schedule_on": ("Date de passage", "Pickup date"),
    "pickup.schedule": ("Planifier", "Schedule"),
    "pickup.collect": ("Enregistrer l'enlèvement", "Record the collection"),
    "pickup.collect_help": (
        "Retirez de la liste les appareils absents ; ajoutez (scannez) ceux qui n'étaient pas déclarés. Un bon "
        "d'enlèvement signé est émis.",
        "Remove the missing devices from the list; add (scan) those that were not declared. A signed custody "
        "receipt is issued.",
    ),
    "pickup.handed_over_by": ("Remis par (nom)", "Handed over by (name)"),
    "pickup.tags": ("Numéros d'inventaire enlevés", "Asset tags collected"),
    "pickup.tags_help": ("un par ligne ; {count} déclaré(s)", "one per line; {count} declared"),
    "labels.format": ("Support", "Stock"),
    "labels.skip": ("Étiquettes déjà utilisées", "Labels already used"),
    "labels.skip_help": ("sur la première planche A4", "on the first A4 sheet"),
    "labels.donation": ("Numéro du don (tout le don)", "Donation number (the whole donation)"),
    "labels.tags": ("Ou ces numéros d'inventaire", "Or these asset tags"),
    "labels.tags_help": ("un par ligne, dans l'ordre d'impression", "one per line, in printing order"),
    "labels.print": ("Préparer l'impression", "Prepare the print"),
    # the association's pages
    "assoc.new": ("Nouvelle demande", "New request"),
    "assoc.shipped": ("Appareils expédiés vers nous", "Devices shipped to us"),
    "assoc.delivered": ("Livrés, à remettre", "Delivered, to hand over"),
    "assoc.handed_over": ("Remis récemment", "Recently handed over"),
    "assoc.mine": ("Nos demandes", "Our requests"),
    "assoc.request": ("Demande", "Request"),
    "assoc.request_n": ("n° {number}", "no. {number}"),
    "assoc.items": ("Attribués / demandés", "Allocated / asked"),
    "assoc.none": ("Aucune demande pour l'instant.", "No request yet."),
    "assoc.line": ("Besoin {n}", "Need {n}"),
    "assoc.quantity": ("Quantité", "Quantity"),
    "assoc.reason": ("Pour qui, pour quoi", "For whom, for what"),
    "assoc.reason_help": ("sans nom de personne", "no person's name"),
    "assoc.send": ("Envoyer la demande", "Send the request"),
    "assoc.deliver": ("Confirmer la livraison", "Confirm the delivery"),
    "assoc.deliver_help": ("L'appareil est bien arrivé chez nous.", "The device has arrived here."),
    "assoc.hand_over": ("Remettre au bénéficiaire", "Hand over to the beneficiary"),
    "assoc.hand_over_help": (
        "Aucun nom : seulement la situation, la tranche d'âge et le département.",
        "No name: only the situation, the age band and the département.",
    ),
    "assoc.beneficiary": ("Situation du bénéficiaire", "Beneficiary's situation"),
    "assoc.age_band": ("Tranche d'âge", "Age band"),
    "assoc.departement": ("Département (ex. 76, 2A, 971)", "Département (e.g. 76, 2A, 971)"),
    "assoc.warranty": ("Contact pour la garantie (facultatif)", "Warranty contact (optional)"),
    "assoc.warranty_help": (
        "Seulement si la garantie l'exige : il est effacé à la fin de la durée de conservation.",
        "Only if the warranty needs it: it is erased when the retention period ends.",
    ),
    "assoc.contact_name": ("Nom et prénom", "Full name"),
    "assoc.return": ("Retourner l'appareil", "Return the device"),
    "assoc.return_reason": ("Motif du retour", "Reason for the return"),
    "assoc.return_confirm": ("Retourner cet appareil à l'atelier ?", "Return this device to the workshop?"),
    "assoc.no_step": ("Aucune étape à faire pour l'instant.", "No step to do for now."),
    "request.status.pending": ("en attente", "pending"),
    "request.status.approved": ("approuvée", "approved"),
    "request.status.rejected": ("refusée", "rejected"),
    "request.status.fulfilled": ("servie", "fulfilled"),
    "age.under_18": ("Moins de 18 ans", "Under 18"),
    "age.18_25": ("18 à 25 ans", "18 to 25"),
    "age.26_45": ("26 à 45 ans", "26 to 45"),
    "age.46_64": ("46 à 64 ans", "46 to 64"),
    "age.65_plus": ("65 ans et plus", "65 and over"),
    "age.unknown": ("Non renseigné", "Not given"),
    # the operator's pages
    "admin.organisations": ("Organisations", "Organisations"),
    "admin.pending": ("Demandes à décider", "Requests to decide"),
    "admin.approve": ("Approuver", "Approve"),
    "admin.reject": ("Refuser", "Reject"),
    "admin.reject_reason": ("Motif du refus", "Reason for rejecting"),
    "admin.to_allocate": ("Demandes approuvées à servir", "Approved requests to allocate"),
    "admin.allocate": ("Attribuer des appareils", "Allocate devices"),
    "admin.allocate_help": (
        "Les appareils prêts proposés, de la région de l'association d'abord. Rien n'est réservé avant votre "
        "confirmation.",
        "The ready devices proposed, from the association's région first. Nothing is reserved before you confirm.",
    ),
    "admin.proposed": ("{count} proposé(s)", "{count} proposed"),
    "admin.none_ready": ("Aucun appareil prêt.", "No ready device."),
    "admin.confirm_allocation": ("Confirmer et réserver", "Confirm and reserve"),
    "admin.reserved": ("{count} appareil(s) réservé(s).", "{count} device(s) reserved."),
    "admin.shortfall": ("{category} : il manque {count} appareil(s).", "{category}: {count} device(s) short."),
    "admin.dispatch": ("Enlèvements à confier", "Pickups to dispatch"),
    "admin.workshop": ("Atelier", "Workshop"),
    "admin.assign": ("Confier", "Assign"),
    "admin.all_kinds": ("Tous les types", "Every kind"),
    "admin.filter": ("Filtrer", "Filter"),
    "admin.create_organisation": ("Créer une organisation", "Create an organisation"),
    "admin.label": ("Label Ordi 2.0", "Ordi 2.0 label"),
    "admin.label_number": ("N° de label", "Label no."),
    "admin.valid_from": ("Valable à partir du", "Valid from"),
    "admin.valid_until": ("Valable jusqu'au", "Valid until"),
    "admin.save_label": ("Enregistrer le label", "Save the label"),
    "admin.people": ("Personnes", "People"),
    "admin.role": ("Rôle", "Role"),
    "admin.active": ("active", "active"),
    "admin.inactive": ("désactivée", "deactivated"),
    "admin.add_person": ("Ajouter une personne", "Add a person"),
    "admin.first_password": ("Mot de passe initial", "First password"),
    "admin.manage_person": ("Gérer {name}", "Manage {name}"),
    "admin.person_myself": (
        "C'est votre propre compte : votre rôle et votre accès ne se changent pas ici (Mon compte).",
        "This is your own account: your role and access are not changed here (My account).",
    ),
    "admin.change_role": ("Changer de rôle", "Change the role"),
    "admin.role_hint": (
        "Un responsable gère les personnes de son organisation. Changer le rôle met fin aux sessions de la personne.",
        "A manager manages the people of their organisation. Changing the role ends the person's sessions.",
    ),
    "admin.save_role": ("Enregistrer le rôle", "Save the role"),
    "admin.reset_title": ("Lien de nouveau mot de passe", "New password link"),
    "admin.reset_text": (
        "Un lien à usage unique, à transmettre à la personne, pour choisir un nouveau mot de passe. Il "
        "n'est montré qu'une fois.",
        "A one-time link to give to the person, to choose a new password. It is shown only once.",
    ),
    "admin.reset_make": ("Créer un lien", "Make a link"),
    "admin.reset_new": (
        "Créer un autre lien (le précédent ne marchera plus)",
        "Make another link (the last one stops working)",
    ),
    "admin.reset_made": (
        "Lien créé, valable jusqu'au {date} : copiez-le maintenant, il ne sera plus montré.",
        "Link made, valid until {date}: copy it now, it will not be shown again.",
    ),
    "admin.reset_link": ("Lien à transmettre", "Link to give"),
    "admin.deactivate_title": ("Désactiver cette personne", "Deactivate this person"),
    "admin.deactivate_text": (
        "Ses sessions et ses jetons prennent fin aussitôt ; elle ne peut plus se connecter. Son historique reste.",
        "Their sessions and tokens end at once; they can no longer log in. Their history stays.",
    ),
    "admin.deactivate_confirm": ("Oui, je désactive cette personne", "Yes, I deactivate this person"),
    "admin.deactivate": ("Désactiver", "Deactivate"),
    "admin.reactivate_title": ("Cette personne est désactivée", "This person is deactivated"),
    "admin.reactivate": ("Réactiver", "Reactivate"),
    "admin.person_done.role": ("Rôle changé : ses sessions ont pris fin.", "Role changed: their sessions ended."),
    "admin.person_done.desactiver": ("Personne désactivée.", "Person deactivated."),
    "admin.person_done.reactiver": ("Personne réactivée.", "Person reactivated."),
    "admin.jobs": ("Tâches de fond", "Background jobs"),
    "admin.jobs_lead": (
        "Imports de tableurs, rapports et planches d'étiquettes de toutes les organisations, les plus récents d'abord.",
        "Spreadsheet imports, reports and label sheets of every organisation, newest first.",
    ),
    "admin.all_states": ("Tous les états", "Every state"),
    "admin.jobs_total": ("{count} tâche(s)", "{count} job(s)"),
    "admin.job_kind": ("Tâche", "Job"),
    "admin.job_created": ("Créée le", "Created"),
    "admin.job_organisation": ("Organisation", "Organisation"),
    "admin.job_error": ("Erreur", "Error"),
    "admin.no_jobs": ("Aucune tâche.", "No job."),
    "role.member": ("membre", "member"),
    "role.manager": ("responsable", "manager"),
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


def pickup_state_name(state: str, lang: Lang = "fr") -> str:
    return _pick(PICKUP_STATE_NAMES.get(state, (state, state)), lang)


def action_name(action: str, lang: Lang = "fr") -> str:
    return _pick(ACTION_NAMES.get(action, (action, action)), lang)


def category_name(category: str, lang: Lang = "fr") -> str:
    return _pick(CATEGORY_NAMES.get(category, (category, category)), lang)


def _name(table: dict[str, tuple[str, str]], code: str, lang: Lang) -> str:
    return _pick(table.get(code, (code, code)), lang)


def beneficiary_name(category: str | None, lang: Lang = "fr") -> str:
    """A beneficiary category's name; empty when there is none."""
    return _name(BENEFICIARY_NAMES, category, lang) if category else ""


def recycle_channel_name(channel: str | None, lang: Lang = "fr") -> str:
    return _name(RECYCLE_CHANNEL_NAMES, channel, lang) if channel else ""


def level_name(level: str, lang: Lang = "fr") -> str:
    return _name(LEVEL_NAMES, level, lang)


def medium_kind_name(kind: str, lang: Lang = "fr") -> str:
    return _name(MEDIUM_KIND_NAMES, kind, lang)


def medium_result_name(result: str, lang: Lang = "fr") -> str:
    return _name(MEDIUM_RESULT_NAMES, result, lang)


def overall_result_name(result: str, lang: Lang = "fr") -> str:
    return _name(OVERALL_RESULT_NAMES, result, lang)


def storage_kind_name(kind: str, lang: Lang = "fr") -> str:
    return _name(STORAGE_KIND_NAMES, kind, lang)


def os_licence_name(licence: str, lang: Lang = "fr") -> str:
    return _name(OS_LICENCE_NAMES, licence, lang)


def word(key: str, lang: Lang = "fr", **params: Any) -> str:
    """A word of the documents (`WORDS`), with its `{params}` filled in. An unknown key is a bug: KeyError."""
    text = _pick(WORDS[key], lang)
    return text.format(**params) if params else text


def column_heading(field: str, lang: Lang = "fr", short: bool = False) -> str:
    """The heading of the report's column for a row field: the CSV's, or the narrow PDF column's."""
    if short and f"report.column.{field}.short" in WORDS:
        return word(f"report.column.{field}.short", lang)
    return word(f"report.column.{field}" if f"report.column.{field}" in WORDS else f"field.{field}", lang)


# --------------------------------------------------------------------------- dates and numbers

NBSP = "\u00a0"
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def zone_label(zone: tzinfo, lang: Lang = "fr") -> str:
    return word("zone.paris", lang) if zone is not UTC else "UTC"


def _local(value: date | datetime | None, zone: tzinfo) -> date | datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(zone) if value.tzinfo else value
    return value


def date_text(value: date | datetime | None, zone: tzinfo, short: bool = False, lang: Lang = "fr") -> str:
    """French ``11/01/2026`` (short ``11/01/26``); English ``2026-01-11`` (short ``11 Jan 26``, never
    ambiguous); empty when unknown."""
    v = _local(value, zone)
    if v is None:
        return ""
    if lang == "en":
        return f"{v.day:02d} {_MONTHS_EN[v.month - 1]} {v:%y}" if short else v.strftime("%Y-%m-%d")
    return v.strftime("%d/%m/%y" if short else "%d/%m/%Y")


def datetime_text(value: datetime | None, zone: tzinfo, lang: Lang = "fr") -> str:
    """``12/03/2026 à 09:14:02`` in ``zone``; a dash when unknown."""
    if value is None:
        return word("none", lang)
    local = value.astimezone(zone) if value.tzinfo else value
    return word("at", lang, date=date_text(local, zone, lang=lang), time=local.strftime("%H:%M:%S"))


def number_text(value: float | int | None, decimals: int = 1, lang: Lang = "fr") -> str:
    """French: non-breaking space for thousands, decimal comma; English: ``1,234.5``."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,d}"
    return text if lang == "en" else text.replace(",", NBSP).replace(".", ",")


# --------------------------------------------------------------------------- notifications and personal data
#
# The notifications' texts (subject, body) by kind, the kinds' names a person chooses from, and the
# errors of the notifications, warranty contacts and rights requests. `{name}` marks a blank that
# the caller fills (every blank is in both languages).

NOTIFICATION_KIND_NAMES: dict[str, tuple[str, str]] = {
    "pickup_scheduled": ("Enlèvement planifié", "Pickup scheduled"),
    "request_approved": ("Demande approuvée", "Request approved"),
    "request_rejected": ("Demande refusée", "Request rejected"),
    "request_allocated": ("Matériel réservé pour une demande", "Equipment reserved for a request"),
    "shipment_sent": ("Matériel expédié", "Equipment shipped"),
    "certificate_issued": ("Certificats d'effacement émis", "Wipe certificates issued"),
    "label_expiring": ("Label bientôt expiré", "Label about to expire"),
    "password_reset": ("Réinitialisation du mot de passe", "Password reset"),
}

NOTIFICATION_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # kind: ((French subject, French body), (English subject, English body))
    "pickup_scheduled": (
        (
            "Enlèvement n° {pickup_id} planifié le {date}",
            "L'enlèvement n° {pickup_id} de vos dons est planifié le {date} par l'atelier {workshop}.",
        ),
        (
            "Pickup no. {pickup_id} scheduled on {date}",
            "Pickup no. {pickup_id} of your donations is scheduled on {date} by the workshop {workshop}.",
        ),
    ),
    "request_approved": (
        (
            "Demande n° {request_id} approuvée",
            "Votre demande de matériel n° {request_id} a été approuvée. {reason}",
        ),
        (
            "Request no. {request_id} approved",
            "Your equipment request no. {request_id} was approved. {reason}",
        ),
    ),
    "request_rejected": (
        (
            "Demande n° {request_id} refusée",
            "Votre demande de matériel n° {request_id} a été refusée. Motif : {reason}",
        ),
        (
            "Request no. {request_id} rejected",
            "Your equipment request no. {request_id} was rejected. Reason: {reason}",
        ),
    ),
    "request_allocated": (
        (
            "Matériel réservé pour la demande n° {request_id}",
            "{reserved} appareil(s) prêt(s) sont réservés pour votre demande n° {request_id} ; "
            "{missing} restent à trouver. L'atelier vous les expédiera.",
        ),
        (
            "Equipment reserved for request no. {request_id}",
            "{reserved} ready device(s) are reserved for your request no. {request_id}; "
            "{missing} remain to be found. The workshop will ship them to you.",
        ),
    ),
    "shipment_sent": (
        (
            "Matériel expédié vers votre association",
            "L'atelier {workshop} a expédié du matériel vers votre association (appareil {asset_tag}). "
            "Confirmez la livraison à réception.",
        ),
        (
            "Equipment shipped to your association",
            "The workshop {workshop} shipped equipment to your association (device {asset_tag}). "
            "Confirm the delivery when it arrives.",
        ),
    ),
    "certificate_issued": (
        (
            "Certificats d'effacement pour votre don n° {donation_id}",
            "Des appareils de votre don n° {donation_id} ont été effacés ; le premier certificat du jour est "
            "le {number}. Les certificats sont dans le rapport de traçabilité du don.",
        ),
        (
            "Wipe certificates for your donation no. {donation_id}",
            "Devices of your donation no. {donation_id} were wiped; today's first certificate is {number}. "
            "The certificates are in the donation's traceability report.",
        ),
    ),
    "label_expiring": (
        (
            "Le label de {organisation} expire le {date}",
            "Le label Ordi 2.0 de {organisation} expire le {date}, dans {days} jour(s). Sans label valide, "
            "votre organisation ne pourra plus prendre de matériel en charge ni en demander. Contactez "
            "l'opérateur du programme pour le renouveler.",
        ),
        (
            "The label of {organisation} expires on {date}",
            "The Ordi 2.0 label of {organisation} expires on {date}, in {days} day(s). Without a valid label, "
            "your organisation can no longer take custody of equipment nor request it. Contact the "
            "programme's operator to renew it.",
        ),
    ),
    "password_reset": (
        (
            "Réinitialiser votre mot de passe Ordi 2.0",
            "Pour choisir un nouveau mot de passe, ouvrez ce lien (il ne sert qu'une fois et expire bientôt) : "
            "{url}\nSi vous n'avez rien demandé, ignorez ce message.",
        ),
        (
            "Reset your Ordi 2.0 password",
            "To choose a new password, open this link (it works once and expires soon): {url}\n"
            "If you asked for nothing, ignore this message.",
        ),
    ),
}

WORDS.update(
    {
        "notification.greeting": ("Bonjour,", "Hello,"),
        "notification.signature": (
            "— Ordi 2.0, logistique du réemploi solidaire\n{url}",
            "— Ordi 2.0, solidarity reuse logistics\n{url}",
        ),
        "notification.preferences": (
            "Pour choisir les messages que vous recevez : {url}",
            "To choose the messages you receive: {url}",
        ),
    }
)

MESSAGES.update(
    {
        "warranty_contact_not_found": (
            "Aucun contact de garantie pour l'appareil {tag}.",
            "No warranty contact for device {tag}.",
        ),
        "privacy_subject_not_found": (
            "Aucune donnée sur cette personne pour l'appareil {tag}.",
            "No data about this person for device {tag}.",
        ),
        "privacy_nothing_to_change": (
            "Indiquez le nom ou le téléphone corrigé.",
            "Give the corrected name or phone.",
        ),
    }
)


def notification_kind_name(kind: str, lang: Lang = "fr") -> str:
    return _name(NOTIFICATION_KIND_NAMES, kind, lang)


class _Blanks(dict[str, Any]):
    """Format values where a blank the caller did not fill stays empty."""

    def __missing__(self, key: str) -> str:
        return ""


def notification_text(kind: str, lang: Lang = "fr", **params: Any) -> tuple[str, str]:
    """The subject and body of a notification, its blanks filled in (a missing blank stays empty)."""
    subject, body = NOTIFICATION_TEXTS[kind][1 if lang == "en" else 0]
    values = _Blanks(params)
    return subject.format_map(values).strip(), body.format_map(values).strip()


def web_word_or(key: str, default: str, lang: Lang = "fr") -> str:
    """A word of the web application, or `default` for a code it has no word for yet."""
    pair = WEB_WORDS.get(key)
    return _pick(pair, lang) if pair else default


def web_word(key: str, lang: Lang = "fr", **params: Any) -> str:
    """A word of the web application (`WEB_WORDS`); an unknown key is a bug: KeyError."""
    text = _pick(WEB_WORDS[key], lang)
    return text.format(**params) if params else text


def _first_upper(text: str) -> str:
    """`collecteur DEEE` as `Collecteur DEEE` (`str.capitalize` would lower the rest)."""
    return text[:1].upper() + text[1:]


#: The wipe levels, media kinds and age bands in the order the station offers them.
_STATION_LEVELS = ("purge", "clear", "destroy")
_STATION_KINDS = ("ssd", "hdd", "nvme", "emmc", "usb", "other")
_AGE_BANDS = ("under_18", "18_25", "26_45", "46_64", "65_plus", "unknown")


@cache  # a function of the language only: built once, read (never changed) by every station page
def station_words(lang: Lang = "fr") -> dict[str, Any]:
    """Every word the station's script shows, in one language: the pages that run it give it as a
    JSON data block (`<script type="application/json" id="station-words">`), never as code.

    `text`: its messages (`{blanks}` filled by the script); `labels`: the forms' fields by name;
    `choices`: `[code, name]` pairs of the fields with choices; `methods`: the wipe method each
    level suggests; `notes`: a line under a form's title; `states` and `actions`: the names of the
    codes the list of last scans keeps."""

    def w(key: str) -> str:
        return web_word(key, lang)

    def doc(key: str) -> str:
        return word(key, lang)

    return {
        "locale": "en-GB" if lang == "en" else "fr-FR",
        "text": {
            "choose": w("form.choose"),
            "save": w("form.save"),
            "cancel": w("form.cancel"),
            "no_action": w("station.no_action"),
            "network": w("station.network"),
            "error": w("error.title"),
            "done": w("station.done"),
            "refused": w("station.refused"),
            "failed": w("station.failed"),
            "from_log": w("station.from_log"),
            "session_ended": w("login.ended"),
            "camera_denied": w("station.camera_denied"),
            "recent_entry": w("station.recent_entry"),
            "medium": w("station.medium"),
            "add_medium": w("station.add_medium"),
            "nwipe_label": w("station.nwipe_label"),
            "nwipe_hint": w("station.nwipe_hint"),
            "certificate": w("station.certificate"),
            "tool_hint": w("station.tool_hint"),
            "os_hint": w("station.os_hint"),
        },
        "labels": {
            "level": doc("field.level"),
            "method": doc("field.method"),
            "tool": doc("field.tool"),
            "tool_version": w("station.tool_version"),
            "started_at": doc("field.start"),
            "ended_at": doc("field.end"),
            "kind": w("station.medium_kind"),
            "serial": w("station.medium_serial"),
            "capacity_gb": w("station.capacity_gb"),
            "result": doc("field.result"),
            "grade": w("workshop.grade"),
            "os": w("station.os"),
            "labour_minutes": w("station.labour_minutes"),
            "checks": w("station.checks"),
            "reason": w("form.reason"),
            "weight_kg": w("donor.weight"),
            "channel": doc("report.column.recycle_channel"),
            "category": w("assoc.beneficiary"),
            "age_band": w("assoc.age_band"),
            "departement": w("assoc.departement"),
            "note": w("station.circumstances"),
            "association_id": w("station.association_id"),
        },
        "notes": {"hand_over": w("assoc.hand_over_help")},
        "choices": {
            "level": [[code, level_name(code, lang)] for code in _STATION_LEVELS],
            "kind": [[code, medium_kind_name(code, lang)] for code in _STATION_KINDS],
            "result": [[code, medium_result_name(code, lang)] for code in MEDIUM_RESULT_NAMES],
            "grade": [[code, w(f"grade.{code}")] for code in ("A", "B", "C")],
            "channel": [[code, _first_upper(recycle_channel_name(code, lang))] for code in RECYCLE_CHANNEL_NAMES],
            "category": [[code, _first_upper(beneficiary_name(code, lang))] for code in BENEFICIARY_NAMES],
            "age_band": [[code, w(f"age.{code}")] for code in _AGE_BANDS],
        },
        "methods": {code: w(f"station.method.{code}") for code in _STATION_LEVELS},
        # the last scans, kept as codes, said again in the page's language
        "states": {code: state_name(code, lang) for code in STATE_NAMES},
        "actions": {code: action_name(code, lang) for code in ACTION_NAMES},
    }
