"""nwipe log parser on samples that follow the nwipe 0.38 text log format (see samples/README.md)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from ordi.certificates.model import overall_result
from ordi.certificates.nwipe import (
    ReportFormatError,
    media_from_nwipe,
    parse_nwipe_log,
    report_sha256,
    suggested_level,
)

from .conftest import SAMPLES

OK_LOG = (SAMPLES / "nwipe-0.38-dodshort-2drives.log").read_text(encoding="utf-8")
FAILED_LOG = (SAMPLES / "nwipe-0.38-prng-verifyall-failed.log").read_text(encoding="utf-8")


def test_parse_successful_run_all_fields() -> None:
    report = parse_nwipe_log(OK_LOG)
    assert report.tool == "nwipe"
    assert report.tool_version == "0.38"
    assert report.method == "DoD Short"
    assert report.prng == "Mersenne Twister"
    assert report.rounds == 1
    assert report.verification == "last"
    assert report.blank is True
    assert report.started_at == datetime(2026, 3, 12, 8, 1, 58)
    assert report.ended_at == datetime(2026, 3, 12, 11, 33, 25)
    assert report.completed is True
    assert report.total_throughput == "470 MB/s"
    assert report.warnings == ()
    sda, sdb = report.drives
    assert (sda.device, sda.bus, sda.is_ssd) == ("/dev/sda", "ATA", True)
    assert sda.model == "Samsung SSD 860 EVO 500GB"  # full model from the Found line, not the 17-char table
    assert sda.serial == "S3Z2NB0K612345A"
    assert (sda.size_text, sda.capacity_gb) == ("500 GB", 500)
    assert (sda.status, sda.status_text) == ("erased", "Erased")
    assert sda.throughput == "312 MB/s"
    assert sda.duration == timedelta(minutes=53, seconds=25)
    assert (sda.pass_errors, sda.verify_errors, sda.fdatasync_errors) == (0, 0, 0)
    assert sda.verified is True
    assert sda.started_at == datetime(2026, 3, 12, 8, 2, 21)
    assert sda.ended_at == datetime(2026, 3, 12, 8, 55, 46)
    assert (sdb.model, sdb.serial, sdb.capacity_gb, sdb.is_ssd) == (
        "WDC WD10EZEX-08WN4A0",
        "WD-WCC6Y7ABCDEF",
        1000,
        False,
    )
    assert sdb.ended_at == datetime(2026, 3, 12, 11, 33, 23)


def test_parse_run_with_a_failed_drive() -> None:
    report = parse_nwipe_log(FAILED_LOG)
    assert (report.method, report.prng, report.verification, report.completed) == (
        "PRNG Stream",
        "Isaac64",
        "all",
        False,
    )
    nvme, sdb = report.drives
    assert (nvme.device, nvme.bus, nvme.status, nvme.verified) == ("/dev/nvme0n1", "NVME", "erased", True)
    assert (sdb.status, sdb.status_text, sdb.verified, sdb.verify_errors) == ("failed", "-FAILED-", False, 1024)


def test_media_mapping_matches_declared_serials_normalised_and_in_declared_order() -> None:
    report = parse_nwipe_log(FAILED_LOG)
    media = media_from_nwipe(report, [" z3ta bcde ", "x0ps1234abcd"])
    assert [m.serial for m in media] == ["Z3TABCDE", "X0PS1234ABCD"]
    failed, nvme = media
    assert (failed.kind, failed.result, failed.capacity_gb) == ("hdd", "failed", 500)
    assert "1024" in failed.verification
    assert (nvme.kind, nvme.result) == ("nvme", "erased")
    # 14:30:25 local time in Paris (UTC+1 in March before the switch) is 13:30:25 UTC.
    assert nvme.started_at == datetime(2026, 3, 13, 13, 30, 25, tzinfo=UTC)
    assert overall_result(media) == "erased_with_exceptions"


def test_media_mapping_keeps_only_the_declared_device_media() -> None:
    report = parse_nwipe_log(OK_LOG)
    media = media_from_nwipe(report, ["WD-WCC6Y7ABCDEF"], tz=UTC)
    assert len(media) == 1 and media[0].kind == "hdd" and media[0].result == "erased"
    assert media[0].ended_at == datetime(2026, 3, 12, 11, 33, 23, tzinfo=UTC)
    assert [m.kind for m in media_from_nwipe(report)] == ["ssd", "hdd"]


def test_declared_serial_missing_from_log_is_an_error() -> None:
    with pytest.raises(ReportFormatError, match="absent"):
        media_from_nwipe(parse_nwipe_log(OK_LOG), ["S3Z2NB0K612345A", "NOPE123"])


def test_anonymised_serials_cannot_be_matched() -> None:
    anonymised = OK_LOG.replace("S/N=S3Z2NB0K612345A", "S/N=XXXXXXXXXXXXXXX").replace(
        "E/S3Z2NB0K612345A", "E/XXXXXXXXXXXXXXX"
    )
    with pytest.raises(ReportFormatError):
        media_from_nwipe(parse_nwipe_log(anonymised), ["XXXXXXXXXXXXXXX"])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "bonjour\nceci n'est pas un journal\n",
        "%PDF-1.7\n\x00\x01binary",
        '{"tool": "nwipe", "drives": []}',
        # an nwipe log that never reached the summary (aborted before the end)
        OK_LOG.split("******************************** Error Summary")[0],
    ],
)
def test_garbage_is_refused_with_a_french_message(text: str) -> None:
    with pytest.raises(ReportFormatError) as info:
        parse_nwipe_log(text)
    assert isinstance(info.value, ValueError)
    assert any(word in str(info.value) for word in ("journal", "rapport", "fichier"))


def test_truncated_or_forged_table_lines_are_refused() -> None:
    truncated = OK_LOG.split("-" * 80 + "\n[2026/03/12 11:33:25]")[0]
    with pytest.raises(ReportFormatError):
        parse_nwipe_log(truncated)
    forged = OK_LOG.replace(
        "       sdb | Erased |", "       sdb | Erased |  158 MB/s | trust me\n       sdb | Erased |", 1
    )
    with pytest.raises(ReportFormatError):
        parse_nwipe_log(forged)
    duplicated = OK_LOG.replace("       sdb | Erased |  158 MB/s", "       sda | Erased |  158 MB/s", 1)
    with pytest.raises(ReportFormatError, match="deux fois"):
        parse_nwipe_log(duplicated)


def test_erased_status_contradicted_by_errors_counts_as_failed() -> None:
    contradicted = OK_LOG.replace(
        "       sdb |           0 |                    0 |", "       sdb |           0 |                   12 |"
    )
    report = parse_nwipe_log(contradicted)
    assert report.drives[1].status == "failed"
    assert report.warnings


def test_two_finished_sessions_in_one_file_are_refused() -> None:
    with pytest.raises(ReportFormatError, match="plusieurs"):
        parse_nwipe_log(OK_LOG + FAILED_LOG)


def test_a_previous_unfinished_session_is_ignored() -> None:
    aborted_first = (
        "[2026/03/12 07:50:00]    info: nwipe 0.38\n"
        "[2026/03/12 07:50:01]  notice: Found /dev/sdz,  ATA    , OLD,  100 GB, S/N=OLD1\n"
    )
    report = parse_nwipe_log(aborted_first + OK_LOG)
    assert [d.device for d in report.drives] == ["/dev/sda", "/dev/sdb"]


def test_crlf_and_bom_are_accepted() -> None:
    report = parse_nwipe_log("\ufeff" + OK_LOG.replace("\n", "\r\n"))
    assert len(report.drives) == 2


def test_report_sha256_is_of_raw_bytes() -> None:
    raw = (SAMPLES / "nwipe-0.38-dodshort-2drives.log").read_bytes()
    assert report_sha256(raw) == hashlib.sha256(raw).hexdigest()
    assert len(report_sha256(raw)) == 64


def test_suggested_levels() -> None:
    assert suggested_level("DoD Short") == "clear"
    assert suggested_level("PRNG Stream") == "clear"
    assert suggested_level("Fill With Zeros") == "clear"
    assert suggested_level("Sanitize Crypto Erase (ATA/SCSI/NVMe)") == "purge"
    assert suggested_level("Secure Erase (ATA/NVMe)") == "purge"
    assert suggested_level("Verify Zeros (0x00)") is None
    assert suggested_level("Something New") is None
