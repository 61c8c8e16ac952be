"""Beneficiaries' warranty contacts: read back by their association, purged on time, rights served."""
