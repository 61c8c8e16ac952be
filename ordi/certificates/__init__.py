"""Proof of erasure: signed wipe certificates, their PDF, nwipe log import.

Pure code only (no database, no web framework): the API and workers wire it in.

- :mod:`ordi.certificates.signing`: canonical JSON and Ed25519 signatures;
- :mod:`ordi.certificates.model`: the certificate record and what of it is signed;
- :mod:`ordi.certificates.nwipe`: reading an nwipe/ShredOS text log into media records;
- :mod:`ordi.certificates.pdf`: the certificate as an A4 PDF.
"""
