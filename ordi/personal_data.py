"""The register of personal data: every column of every table, said personal or not.

`PRIVACY.md` (the record of processing, in French) describes each kind of personal data: why it is
kept, who sees it, how long, how each right is exercised. This register ties it to the schema:
`tests/test_personal_data.py` fails when a table has a column that is in neither list below
(a new field must be classified), when a personal column is not named in PRIVACY.md, or when a
column whose name looks personal (a name, an e-mail, a phone, an address, a contact) is said not to
be without a reason.
"""

from __future__ import annotations

#: Personal columns, as `table.column`, with the kind of data (a section of PRIVACY.md) they belong to.
PERSONAL: dict[str, str] = {
    # accounts of the programme's people
    "app_user.email": "comptes",
    "app_user.full_name": "comptes",
    "app_user.password_hash": "comptes",
    "app_user.role": "comptes",
    "app_user.active": "comptes",
    "app_user.created_at": "comptes",
    "app_user.token_version": "comptes",
    "api_key.user": "comptes",
    "api_key.name": "comptes",
    "password_reset.user": "comptes",
    "password_reset.token_hash": "comptes",
    "password_reset.created_at": "comptes",
    "password_reset.expires_at": "comptes",
    "password_reset.used_at": "comptes",
    # who did what: the history names the person who acted
    "device_event.actor_user": "traces",
    "donation.declared_by": "traces",
    "equipment_request.requested_by": "traces",
    "equipment_request.decided_by": "traces",
    "job.created_by": "traces",
    "pickup.requested_by": "traces",
    # the wiping technician's code on the wipe record and its signed certificate
    "device_event.payload": "traces",
    "wipe_certificate.content": "traces",
    "wipe_tool_report.content": "traces",
    # beneficiaries: the hand-over's pseudonymous record, and the warranty contact
    "beneficiary_contact.full_name": "contact_garantie",
    "beneficiary_contact.phone": "contact_garantie",
    "beneficiary_contact.device": "contact_garantie",
    "beneficiary_contact.association": "contact_garantie",
    "beneficiary_contact.recorded_at": "contact_garantie",
    "beneficiary_contact.purge_after": "contact_garantie",
    # donors' work contacts for a pickup, and who handed over at the collection
    "pickup.contact": "contact_enlevement",
    "pickup.access_notes": "contact_enlevement",
    "custody_receipt.content": "contact_enlevement",
    # donors' free texts and files, which may name someone
    "donation.notes": "dons",
    "donation.pickup_address": "dons",
    "job.params": "dons",
    "job.result": "dons",
    "job_file_chunk.data": "dons",
    # notifications sent to people, and their choices
    "notification.recipient": "notifications",
    "notification.params": "notifications",
    "notification.email_status": "notifications",
    "notification.email_sent_at": "notifications",
    "notification.email_error": "notifications",
    "notification.email_attempts": "notifications",
    "notification.email_lease_until": "notifications",
    "notification.email_send_after": "notifications",
    "notification_preference.person": "notifications",
    "notification_preference.enabled": "notifications",
    # the log of reads, rights and purges (who acted), never the data
    "personal_data_log.actor_user": "journal",
    "personal_data_log.device": "journal",
    "personal_data_log.at": "journal",
    "personal_data_log.action": "journal",
}

#: Columns that are not about a person, by table.
NOT_PERSONAL: dict[str, frozenset[str]] = {
    "organisation": frozenset(
        {
            "id",
            "name",
            "kind",
            "subkind",
            "siret",
            "address",
            "postcode",
            "city",
            "departement",
            "region",
            "latitude",
            "longitude",
            "label_number",
            "label_valid_from",
            "label_valid_until",
            "created_at",
            "active",
        }
    ),
    "app_user": frozenset({"id", "organisation"}),
    "password_reset": frozenset({"id", "channel"}),
    "api_key": frozenset({"id", "organisation", "prefix", "key_hash", "created_at", "revoked_at"}),
    "donation": frozenset(
        {"id", "reference", "donor", "pickup_postcode", "device_count", "created_at", "job", "cancelled_at"}
    ),
    "device": frozenset(
        {
            "id",
            "asset_tag",
            "donation",
            "donor",
            "category",
            "brand",
            "model",
            "serial_number",
            "has_storage",
            "weight_kg",
            "state",
            "data_cleared",
            "custodian",
            "refurbisher",
            "association",
            "request",
            "grade",
            "event_count",
            "state_changed_at",
            "created_at",
            # the specs a donor declares and a workshop confirms: the machine's, not a person's
            "cpu",
            "ram_gb",
            "storage_gb",
            "storage_kind",
            "screen_inches",
            "year",
            "os_licence",
            "specs_confirmed",
        }
    ),
    "device_event": frozenset(
        {
            "id",
            "device",
            "seq",
            "action",
            "outcome",
            "from_state",
            "to_state",
            "actor_organisation",
            "occurred_at",
            "idempotency_key",
            "request_sha256",
            "corrects",
        }
    ),
    "beneficiary_contact": frozenset({"id"}),
    "equipment_request": frozenset(
        {"id", "association", "status", "reason", "decision_reason", "decided_at", "created_at"}
    ),
    "request_item": frozenset({"id", "request", "category", "quantity", "allocated", "min_specs"}),
    # the committee's rollups: counts by category, beneficiary category, workshop, donor, grade, day
    "stats_count": frozenset(
        {"id", "level", "grain", "day", "action", "outcome", "category", "beneficiary", "workshop", "donor"}
        | {"grade", "n", "minutes"}
    ),
    "stats_stock": frozenset({"id", "level", "since", "state", "category", "donor", "grade", "workshop", "n"}),
    "stats_lead": frozenset(
        {"id", "level", "grain", "day", "metric", "category", "beneficiary", "workshop", "donor", "grade"}
        | {"n", "days"}
    ),
    "stats_fate": frozenset(
        {"id", "level", "grain", "day", "until", "fate", "category", "workshop", "donor", "grade", "n"}
    ),
    # their journal: the same keys as JSON (`key`) until they are folded in
    "stats_journal": frozenset({"id", "tbl", "key", "n", "minutes"}),
    "job": frozenset(
        {
            "id",
            "kind",
            "organisation",
            "status",
            "progress_done",
            "progress_total",
            "error",
            "attempts",
            "result_content_type",
            "result_filename",
            "result_size",
            "created_at",
            "started_at",
            "finished_at",
            "purged_at",
            "dispatched_at",
            "send_after",
            "lease_until",
        }
    ),
    "job_file_chunk": frozenset({"id", "job", "seq"}),
    "certificate_counter": frozenset({"id", "year", "last"}),
    "wipe_tool_report": frozenset({"id", "device", "workshop", "tool", "format", "sha256", "size", "uploaded_at"}),
    "wipe_certificate": frozenset(
        {
            "id",
            "number",
            "device",
            "workshop",
            "wipe_event",
            "issued_at",
            "signature",
            "key_id",
            "overall_result",
            "source_report_sha256",
            "tool_report",
        }
    ),
    "pickup": frozenset(
        {
            "id",
            "donor",
            "mode",
            "state",
            "address",
            "postcode",
            "city",
            "departement",
            "region",
            "windows",
            "contact_purge_after",
            "estimated_devices",
            "workshop",
            "scheduled_for",
            "reason",
            "created_at",
            "updated_at",
        }
    ),
    "pickup_donation": frozenset({"id", "pickup", "donation"}),
    "custody_receipt": frozenset(
        {"id", "number", "pickup", "workshop", "collected_at", "device_count", "signature", "key_id"}
    ),
    "notification": frozenset(
        {
            "id",
            "kind",
            "dedupe_key",
            "created_at",
            "dispatched_at",
        }
    ),
    "notification_preference": frozenset({"id", "kind"}),
    "periodic_run": frozenset({"name", "lease_until", "last_started_at", "last_finished_at", "last_result"}),
    "personal_data_log": frozenset({"id", "reason", "actor_organisation", "records"}),
}

#: Words of column names (split on `_`) that usually hold personal data: a column with one of them
#: said not personal needs a reason here.
LOOKS_PERSONAL = ("name", "email", "mail", "phone", "address", "contact", "person", "user", "birth", "note", "notes")
NOT_PERSONAL_BECAUSE: dict[str, str] = {
    "organisation.name": "le nom d'une personne morale (atelier, association, donateur)",
    "organisation.address": "l'adresse d'une personne morale, publiée dans l'annuaire",
    "pickup.address": "l'adresse du site du donateur (une personne morale), où l'enlèvement a lieu",
    "periodic_run.name": "le nom d'une tâche périodique",
    "pickup.contact_purge_after": "la date où le contact sera vidé, pas le contact",
    "job.result_filename": "le nom d'un fichier produit (rapport, planche d'étiquettes)",
}
