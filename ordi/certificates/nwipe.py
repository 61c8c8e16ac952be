"""Read the text log nwipe writes (``nwipe --logfile=FILE``, also what ShredOS saves) into media records.

Why: workshops that wipe with nwipe/ShredOS attach the tool's own log instead of retyping each
medium. The log is *evidence supplied by the workshop*, not a proof: anyone can edit a text file.
So the certificate keeps the SHA-256 of the original bytes (:func:`report_sha256`) to pin exactly
which file was relied upon, and this parser is strict: anything it does not recognise inside the
summary tables is an error, never a guess.

Format facts, taken from the nwipe sources (martijnvanbrummelen/nwipe, the 0.38 line:
``src/version.c`` banner ``"nwipe 0.38"``; ``src/logging.c`` ``nwipe_log()`` and
``nwipe_log_summary()``; ``src/device.c`` the ``Found ...`` line; ``src/method.c`` per-device
progress lines; ``src/options.c`` ``nwipe_options_log()``; ``src/miscellaneous.c`` size and path
formatting):

- every event line is ``[YYYY/MM/DD HH:MM:SS] <level>: <message>`` in the machine's *local time*
  (no zone is written), the level right-aligned to 7 characters (``   info``, `` notice``,
  ``warning``, ``  error``, ``  fatal``); older releases wrote ``nwipe: info:`` unpadded;
- the first line of a run is the banner ``nwipe <version>``;
- a drive is announced as ``Found /dev/sda,  ATA-SSD, <model>,  500 GB, S/N=<serial>`` (bus on 4
  characters followed by ``-SSD`` or 4 spaces; size as ``%4llu`` + ``TB/GB/MB/KB/B``, decimal units);
- ``Invoking method '<label>' on /dev/sda`` starts a drive's wipe; ``[SUCCESS] Verified that
  /dev/sda is empty.`` / ``[FAILURE] /dev/sda Verification errors, not empty`` report the final
  verification; ``<n> verification errors on '/dev/sda'.`` counts errors;
- at the end, untimestamped, an ``Error Summary`` table (pass / verification / fdatasync errors per
  drive) and a ``Drive Status`` table, one row per drive: flag (``!`` on problems), device name
  without ``/dev/`` right-aligned on 8, status on exactly 8 characters (`` Erased ``, ``-FAILED-``,
  ``UABORTED``, ``INSANITY``), throughput, ``HH:MM:SS``, ``model[:17]/serial``; then
  ``[timestamp] Total Throughput <n> MB/s, <method label>, <rounds>R+<B|NB>+<NV|VL|VA>``;
- the run ends with ``Nwipe successfully completed.``, ``Nwipe exited with errors...`` or an abort line.

The ShredOS PDF report is out of scope.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from ordi.clock import PARIS

from .model import Level, MediumKind, MediumRecord, normalise_serial

__all__ = [
    "NwipeDrive",
    "NwipeReport",
    "ReportFormatError",
    "media_from_nwipe",
    "parse_nwipe_log",
    "report_sha256",
    "suggested_level",
]

NWIPE_TOOL = "nwipe"
MAX_LOG_BYTES = 20 * 1024 * 1024

DriveStatus = Literal["erased", "failed", "aborted"]
Verification = Literal["off", "last", "all"]


class ReportFormatError(ValueError):
    """The attached report is not an nwipe log this parser can vouch for (message in French)."""


@dataclass(frozen=True, slots=True)
class NwipeDrive:
    """One drive as nwipe reported it. Times are naive: nwipe logs local time without a zone."""

    device: str
    bus: str
    is_ssd: bool
    model: str
    serial: str
    size_text: str
    capacity_gb: int
    status: DriveStatus
    status_text: str
    throughput: str
    duration: timedelta
    pass_errors: int | None
    verify_errors: int | None
    fdatasync_errors: int | None
    verified: bool | None
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class NwipeReport:
    """One nwipe run (one session of the log), from banner to summary."""

    tool: str
    tool_version: str | None
    method: str
    prng: str | None
    rounds: int
    verification: Verification
    blank: bool
    started_at: datetime | None
    ended_at: datetime
    completed: bool | None
    total_throughput: str
    drives: tuple[NwipeDrive, ...]
    warnings: tuple[str, ...] = field(default=())


def report_sha256(raw: bytes) -> str:
    """Lower-case hex SHA-256 of the report exactly as uploaded (before any decoding)."""
    return hashlib.sha256(raw).hexdigest()


# --------------------------------------------------------------------------- regular expressions

_TS = r"(?P<ts>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})"
_EVENT_RE = re.compile(
    r"^\[" + _TS + r"\]\s+(?:nwipe:\s+)?(?P<level>debug|info|notice|warning|error|fatal|sanity):\s?(?P<msg>.*)$"
)
_BANNER_RE = re.compile(r"^nwipe (?P<version>\d+\.\d+(?:\.\d+)?[\w.+-]*)\s*$")
_OPT_RE = re.compile(r"^\s+(?P<key>banner|prng|method|rounds|verify)\s+=\s+(?P<value>.*?)\s*$")
_FOUND_RE = re.compile(
    r"^Found (?P<dev>/\S+), (?P<bus>[^,]*), (?P<model>.*), (?P<size>\s*\d+ (?:TB|GB|MB|KB|B)), S/N=(?P<serial>.*)$"
)
_INVOKE_RE = re.compile(r"^Invoking method '(?P<method>.+)' on (?P<dev>/\S+)$")
_VERIFIED_OK_RE = re.compile(
    r"^\[SUCCESS\] (?:Verified that (?P<a>/\S+) is (?:empty|Zeroed|full of ones \(0xFF\))\."
    r"|Verified FRP on '(?P<b>/\S+)' matches)$"
)
_VERIFIED_KO_RE = re.compile(
    r"^\[FAILURE\] (?P<dev>/\S+) (?:Verification errors, not empty|has not been Zeroed ?\.|is not full of ones)"
)
_VERIFY_ERRORS_RE = re.compile(r"^(?P<n>\d+) verification errors on '(?P<dev>/\S+)'\.$")
_TABLE_TITLE_RE = re.compile(r"^\*+ (?P<title>Error Summary|Drive Status) \*+\s*$")
_STARS_RE = re.compile(r"^\*{20,}\s*$")
_DASHES_RE = re.compile(r"^-{20,}\s*$")
_ERROR_HEADER_RE = re.compile(r"^!\s+Device \| Pass Errors \| Verifications Errors \| Fdatasync I\\O Errors\s*$")
_STATUS_HEADER_RE = re.compile(r"^!\s+Device \| Status \| Thru-put \| HH:MM:SS \| Model/Serial Number\s*$")
_ERROR_ROW_RE = re.compile(r"^(?P<flag>[ !]) +(?P<dev>\S+) \| +(?P<p>\d+) \| +(?P<v>\d+) \| +(?P<f>\d+)\s*$")
_STATUS_ROW_RE = re.compile(
    r"^(?P<flag>[ !]) +(?P<dev>\S+) \|(?P<status>.{8})\| *(?P<thru>\d+ (?:TB|GB|MB|KB|B))/s \| "
    r"(?P<h>\d{2,}):(?P<m>\d{2}):(?P<s>\d{2}) \| (?P<ms>.*?)\s*$"
)
_TOTAL_RE = re.compile(
    r"^\[" + _TS + r"\] Total Throughput +(?P<thru>\d+ (?:TB|GB|MB|KB|B))/s, (?P<method>.+), "
    r"(?P<rounds>\d+)R\+(?P<blank>NB|B)\+(?P<verify>NV|VL|VA)\s*$"
)

_STATUS_MAP: dict[str, DriveStatus] = {
    "Erased": "erased",
    "-FAILED-": "failed",
    "UABORTED": "aborted",
    "INSANITY": "failed",
}
_VERIFY_MAP: dict[str, Verification] = {"NV": "off", "VL": "last", "VA": "all"}
_UNIT_GB = {"TB": 1000, "GB": 1, "MB": 1 / 1000, "KB": 1 / 1_000_000, "B": 0}
_ANONYMISED = {"XXXXXXXXXXXXXXX", "???????????????"}


def _ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y/%m/%d %H:%M:%S")


def _capacity_gb(size_text: str) -> int:
    number, unit = size_text.split()
    return int(int(number) * _UNIT_GB[unit])


def _mentions(msg: str, device: str) -> bool:
    return re.search(re.escape(device) + r"(?![\w/])", msg) is not None


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class _Found:
    device: str
    bus: str
    is_ssd: bool
    model: str
    serial: str
    size_text: str


@dataclass(slots=True)
class _Session:
    version: str | None = None
    first_ts: datetime | None = None
    lines: list[str] = field(default_factory=list)


def _split_sessions(lines: list[str]) -> list[_Session]:
    sessions: list[_Session] = [_Session()]
    for line in lines:
        event = _EVENT_RE.match(line)
        if event and event["level"] == "info":
            banner = _BANNER_RE.match(event["msg"])
            if banner:
                sessions.append(_Session(version=banner["version"]))
        current = sessions[-1]
        if event and current.first_ts is None:
            current.first_ts = _ts(event["ts"])
        current.lines.append(line)
    return [s for s in sessions if s.lines]


def _has_status_table(session: _Session) -> bool:
    return any(
        (m := _TABLE_TITLE_RE.match(line)) is not None and m["title"] == "Drive Status" for line in session.lines
    )


def parse_nwipe_log(text: str) -> NwipeReport:
    """Parse an nwipe text log (one run) into a :class:`NwipeReport`.

    Raises :class:`ReportFormatError` when the text is not such a log, holds several finished runs,
    or has a summary table this parser does not fully understand.
    """
    if not isinstance(text, str) or not text.strip():
        raise ReportFormatError("Le rapport est vide.")
    if len(text) > MAX_LOG_BYTES:
        raise ReportFormatError("Le rapport est trop volumineux pour un journal nwipe.")
    if "\x00" in text:
        raise ReportFormatError("Le fichier n'est pas un journal texte nwipe (contenu binaire).")
    lines = text.lstrip("\ufeff").splitlines()
    sessions = [s for s in _split_sessions(lines) if _has_status_table(s)]
    if not sessions:
        raise ReportFormatError(
            "Ce fichier n'est pas un journal nwipe reconnu : tableau « Drive Status » introuvable "
            "(joindre le fichier écrit par nwipe --logfile à la fin de l'effacement)."
        )
    if len(sessions) > 1:
        raise ReportFormatError(
            "Le journal contient plusieurs effacements nwipe terminés ; joindre le journal d'une seule session."
        )
    return _parse_session(sessions[0])


def _parse_session(session: _Session) -> NwipeReport:
    warnings: list[str] = []
    found: dict[str, _Found] = {}
    options: dict[str, str] = {}
    starts: dict[str, datetime] = {}
    last_seen: dict[str, datetime] = {}
    verified: dict[str, bool] = {}
    verify_error_lines: dict[str, int] = {}
    completed: bool | None = None
    error_rows: dict[str, tuple[int, int, int]] = {}
    status_rows: dict[str, re.Match[str]] = {}
    total: re.Match[str] | None = None

    table: str | None = None  # "Error Summary" / "Drive Status" while inside one
    table_part = 0  # 0 title seen, 1 header seen, 2 dashes seen (rows follow)

    for line in session.lines:
        if table is not None:
            table, table_part, total = _table_line(line, table, table_part, error_rows, status_rows, total)
            continue
        title = _TABLE_TITLE_RE.match(line)
        if title:
            table, table_part = title["title"], 0
            continue
        event = _EVENT_RE.match(line)
        if not event:
            continue
        when, msg = _ts(event["ts"]), event["msg"]
        if m := _FOUND_RE.match(msg):
            bus_text = m["bus"].strip()
            is_ssd = bus_text.endswith("-SSD")
            found[m["dev"]] = _Found(
                device=m["dev"],
                bus=bus_text.removesuffix("-SSD").strip(),
                is_ssd=is_ssd,
                model=m["model"].strip(),
                serial=m["serial"].strip(),
                size_text=" ".join(m["size"].split()),
            )
        elif m := _OPT_RE.match(msg):
            options[m["key"]] = m["value"]
        elif m := _INVOKE_RE.match(msg):
            starts.setdefault(m["dev"], when)
        elif m := _VERIFIED_OK_RE.match(msg):
            dev = m["a"] or m["b"]
            verified[dev] = verified.get(dev, True)
        elif m := _VERIFIED_KO_RE.match(msg):
            verified[m["dev"]] = False
        elif m := _VERIFY_ERRORS_RE.match(msg):
            verify_error_lines[m["dev"]] = int(m["n"])
        elif msg.startswith("Nwipe successfully completed"):
            completed = True
        elif msg.startswith(("Nwipe exited with errors", "Nwipe was aborted")):
            completed = False
        for dev in starts:
            if _mentions(msg, dev):
                last_seen[dev] = when

    if table is not None:
        raise ReportFormatError(f"Tableau « {table} » tronqué : le journal semble incomplet.")
    if not status_rows:
        raise ReportFormatError("Le tableau « Drive Status » ne contient aucun disque.")
    if total is None:
        raise ReportFormatError("Ligne « Total Throughput » absente : le journal semble incomplet.")

    by_short = {_short_name(dev): f for dev, f in found.items()}
    drives: list[NwipeDrive] = []
    for short, row in status_rows.items():
        status_text = row["status"].strip()
        status = _STATUS_MAP.get(status_text)
        if status is None:
            raise ReportFormatError(f"Statut nwipe inconnu pour {short} : « {status_text} ».")
        info = by_short.get(short)
        if info is None:
            model, _, serial = row["ms"].rpartition("/")
            info = _Found(device=f"/dev/{short}", bus="", is_ssd=False, model=model, serial=serial, size_text="")
            warnings.append(f"{short} : ligne « Found » absente, modèle et numéro de série tirés du tableau.")
        elif not row["ms"].startswith(info.model[:17]) or not row["ms"].endswith(info.serial):
            warnings.append(f"{short} : le tableau et la détection ne donnent pas le même modèle ou numéro de série.")
        errors = error_rows.get(short)
        drive_verified = verified.get(info.device)
        if status == "erased" and (
            (errors is not None and any(errors))
            or drive_verified is False
            or verify_error_lines.get(info.device, 0) > 0
        ):
            warnings.append(f"{short} : indiqué « Erased » malgré des erreurs ; considéré comme en échec.")
            status = "failed"
        duration = timedelta(hours=int(row["h"]), minutes=int(row["m"]), seconds=int(row["s"]))
        started = starts.get(info.device)
        ended = last_seen.get(info.device)
        if ended is None and started is not None:
            ended = started + duration
        drives.append(
            NwipeDrive(
                device=info.device,
                bus=info.bus,
                is_ssd=info.is_ssd,
                model=info.model,
                serial=info.serial,
                size_text=info.size_text,
                capacity_gb=_capacity_gb(info.size_text) if info.size_text else 0,
                status=status,
                status_text=status_text,
                throughput=" ".join(row["thru"].split()) + "/s",
                duration=duration,
                pass_errors=errors[0] if errors else None,
                verify_errors=errors[1] if errors else None,
                fdatasync_errors=errors[2] if errors else None,
                verified=drive_verified,
                started_at=started,
                ended_at=ended,
            )
        )

    rounds = int(total["rounds"])
    if rounds < 1:
        raise ReportFormatError("Nombre de passes nwipe invalide.")
    if options.get("method") and options["method"] != total["method"]:
        warnings.append("La méthode des options et celle du résumé diffèrent ; celle du résumé est retenue.")
    version = session.version
    if version is None and (banner := _BANNER_RE.match(options.get("banner", ""))):
        version = banner["version"]
    return NwipeReport(
        tool=NWIPE_TOOL,
        tool_version=version,
        method=total["method"],
        prng=options.get("prng"),
        rounds=rounds,
        verification=_VERIFY_MAP[total["verify"]],
        blank=total["blank"] == "B",
        started_at=session.first_ts,
        ended_at=_ts(total["ts"]),
        completed=completed,
        total_throughput=" ".join(total["thru"].split()) + "/s",
        drives=tuple(drives),
        warnings=tuple(warnings),
    )


def _short_name(device: str) -> str:
    # nwipe_strip_path(): the part after the last '/', at most 8 characters (the right-most ones).
    return device.rsplit("/", 1)[-1][-8:]


def _table_line(
    line: str,
    table: str,
    part: int,
    error_rows: dict[str, tuple[int, int, int]],
    status_rows: dict[str, re.Match[str]],
    total: re.Match[str] | None,
) -> tuple[str | None, int, re.Match[str] | None]:
    """Consume one line inside a summary table; strict, because these lines carry the verdict."""
    if part == 0:
        header = _ERROR_HEADER_RE if table == "Error Summary" else _STATUS_HEADER_RE
        if not header.match(line):
            raise ReportFormatError(f"En-tête du tableau « {table} » non reconnu.")
        return table, 1, total
    if part == 1:
        if not _DASHES_RE.match(line):
            raise ReportFormatError(f"Tableau « {table} » mal formé.")
        return table, 2, total
    if table == "Error Summary":
        if _STARS_RE.match(line):
            return None, 0, total
        m = _ERROR_ROW_RE.match(line)
        if not m:
            raise ReportFormatError(f"Ligne inattendue dans le tableau « Error Summary » : « {line.strip()[:80]} ».")
        if m["dev"] in error_rows:
            raise ReportFormatError(f"Disque {m['dev']} présent deux fois dans le tableau des erreurs.")
        error_rows[m["dev"]] = (int(m["p"]), int(m["v"]), int(m["f"]))
        return table, 2, total
    # Drive Status: rows, a dashed line, the Total Throughput line, then stars.
    if part == 2:
        if _DASHES_RE.match(line):
            return table, 3, total
        m = _STATUS_ROW_RE.match(line)
        if not m:
            raise ReportFormatError(f"Ligne inattendue dans le tableau « Drive Status » : « {line.strip()[:80]} ».")
        if m["dev"] in status_rows:
            raise ReportFormatError(f"Disque {m['dev']} présent deux fois dans le tableau « Drive Status ».")
        status_rows[m["dev"]] = m
        return table, 2, total
    if part == 3:
        m = _TOTAL_RE.match(line)
        if not m:
            raise ReportFormatError("Ligne « Total Throughput » non reconnue.")
        return table, 4, m
    if _STARS_RE.match(line):
        return None, 0, total
    raise ReportFormatError("Fin du tableau « Drive Status » non reconnue.")


# --------------------------------------------------------------------------- mapping to certificate records


def suggested_level(method: str) -> Level | None:
    """NIST SP 800-88 level an nwipe method achieves, or ``None`` when it does not sanitise.

    Overwriting is *Clear*; the firmware commands of recent nwipe releases (ATA/NVMe secure erase,
    sanitize) are *Purge*; the "Verify ..." methods only read. Unknown labels give ``None`` so a
    person decides.
    """
    label = method.lower()
    if label.startswith("verify"):
        return None
    if "secure erase" in label or "sanitize" in label:
        return "purge"
    known = ("dod", "gutmann", "rcmp", "prng stream", "fill with", "quick erase", "hmg is5", "schneier", "bmb21")
    if any(k in label for k in known):
        return "clear"
    return None


def _kind(drive: NwipeDrive) -> MediumKind:
    bus = drive.bus.upper()
    if bus == "NVME":
        return "nvme"
    if bus == "MMC":
        return "emmc"
    if bus == "USB":
        return "usb"
    if drive.is_ssd:
        return "ssd"
    if bus in {"ATA", "IDE", "SCSI", "SAS", "SCS"}:
        return "hdd"
    return "other"


_VERIFY_SCOPE = {"all": "de chaque passe", "last": "de la dernière passe"}


def verification_summary(report: NwipeReport) -> str:
    """How the run was verified, in French, for the whole certificate."""
    if report.verification == "off":
        return "Aucune relecture (nwipe --verify=off)"
    return f"Relecture {_VERIFY_SCOPE[report.verification]} par nwipe (--verify={report.verification})"


def _verification_fr(report: NwipeReport, drive: NwipeDrive) -> str:
    if report.verification == "off":
        return verification_summary(report)
    scope = _VERIFY_SCOPE[report.verification]
    if drive.verified is True and not drive.verify_errors:
        return f"Relecture {scope} par nwipe : conforme"
    if drive.verified is False or drive.verify_errors:
        n = drive.verify_errors or 0
        return f"Relecture {scope} par nwipe : {n} erreur(s) de vérification"
    return f"Relecture {scope} demandée ; résultat absent du journal"


def media_from_nwipe(
    report: NwipeReport,
    declared_serials: Iterable[str] | None = None,
    *,
    tz: tzinfo | None = None,
) -> list[MediumRecord]:
    """Turn the drives of ``report`` into certificate media records.

    With ``declared_serials`` (the media recorded for the device), only those drives are kept, in
    that order, matched by normalised serial (no spaces, upper case): one bench often wipes disks of
    several computers at once. A declared serial missing from the log, ambiguous, or anonymised by
    ``nwipe -q`` raises :class:`ReportFormatError`. ``tz`` is the zone the wiping machine's clock was
    in (nwipe writes local time without a zone); default Europe/Paris.
    """
    zone = tz if tz is not None else PARIS
    by_serial: dict[str, list[NwipeDrive]] = {}
    for drive in report.drives:
        by_serial.setdefault(normalise_serial(drive.serial), []).append(drive)

    if declared_serials is None:
        selected = list(report.drives)
    else:
        selected = []
        missing: list[str] = []
        for declared in declared_serials:
            key = normalise_serial(declared)
            matches = by_serial.get(key, []) if key and key not in _ANONYMISED else []
            if len(matches) > 1:
                raise ReportFormatError(f"Numéro de série {declared} présent plusieurs fois dans le journal.")
            if not matches:
                missing.append(declared)
            else:
                selected.append(matches[0])
        if missing:
            raise ReportFormatError("Support(s) déclaré(s) absent(s) du journal nwipe : " + ", ".join(missing) + ".")

    records: list[MediumRecord] = []
    for drive in selected:
        records.append(
            MediumRecord(
                kind=_kind(drive),
                model=drive.model,
                serial=drive.serial,
                capacity_gb=drive.capacity_gb,
                result="erased" if drive.status == "erased" else "failed",
                verification=_verification_fr(report, drive),
                started_at=drive.started_at.replace(tzinfo=zone) if drive.started_at else None,
                ended_at=drive.ended_at.replace(tzinfo=zone) if drive.ended_at else None,
            )
        )
    return records
