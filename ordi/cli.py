"""`ordi`: migrate, seed demo data, serve, purge what has outlived its retention."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import sys
import time


def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    import ordi  # noqa: F401 - sets PICCOLO_CONF

    # Piccolo's own progress lines contradict themselves on a new database ("4 already
    # complete", "4 not yet run"): keep them for a failure, say one clear line otherwise.
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        result = asyncio.run(run_forwards("all"))
    if not result.success:
        sys.stdout.write(chatter.getvalue())
        raise SystemExit(f"Échec des migrations : {result.message}")
    applied = chatter.getvalue().count("[forwards]")
    print(f"Base de données à jour ({applied} migration(s) appliquée(s)).")


def _seed() -> bool:
    from ordi.demo import seed
    from ordi.wiring import wire

    wire()  # the steps' hooks: a wipe's certificate, the notifications
    return asyncio.run(seed())


def _serve(host: str, port: int, workers: int) -> None:
    from ordi.serving import serve

    # Several workers: each on its own SO_REUSEPORT socket, so connections spread over them.
    status = serve(
        "ordi.app:app", host=host, port=port, workers=workers, log_level="info", proxy_headers=True, access_log=False
    )
    if status:
        sys.exit(status)


def _purge() -> str:
    from ordi.privacy import purge_expired

    purged = asyncio.run(purge_expired())
    return (
        f"{purged.contacts} contact(s) de bénéficiaire purgé(s), "
        f"{purged.pickup_contacts} contact(s) d'enlèvement effacé(s), "
        f"{purged.jobs} tâche(s) expirée(s) (fichiers et données envoyées supprimés), "
        f"{purged.notifications} notification(s) ancienne(s) supprimée(s), "
        f"{purged.log_lines} ligne(s) ancienne(s) du journal des données personnelles supprimée(s)"
        + "".join(f", {name} : {count}" for name, count in purged.other.items())
        + "."
    )


def _create_admin(email: str, full_name: str, generate: bool) -> None:
    """The first operator account of an install (outside demo mode there is no default account)."""
    import getpass
    import re
    import secrets

    from ordi.domain.errors import DomainError
    from ordi.i18n import message
    from ordi.organisations.schemas import EMAIL_PATTERN
    from ordi.organisations.service import create_admin

    if not re.match(EMAIL_PATTERN, email) or len(email) > 254:
        raise SystemExit(f"Adresse e-mail invalide : {email}")
    if generate:
        password = secrets.token_urlsafe(18)
    else:
        password = getpass.getpass("Mot de passe (12 caractères au moins) : ")
        if getpass.getpass("Le même, encore une fois : ") != password:
            raise SystemExit("Les deux mots de passe diffèrent.")
    try:
        user_id, new_org = asyncio.run(create_admin(email, password, full_name))
    except DomainError as exc:
        raise SystemExit(message(exc.key, "fr", **exc.params)) from None
    if new_org:
        print("Organisation de l'opérateur créée.")
    print(f"Compte opérateur créé : {email} (n° {user_id}).")
    if generate:
        print(f"Mot de passe (affiché une seule fois) : {password}")


def _rebuild_stats() -> str:
    from ordi.stats.rebuild import rebuild

    counts = asyncio.run(rebuild())
    return "Statistiques recalculées depuis l'historique : " + ", ".join(f"{t} {n} ligne(s)" for t, n in counts.items())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ordi", description="Ordi 2.0 — logistique")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="appliquer les migrations")
    sub.add_parser("seed-demo", help="créer les données de démonstration")
    for name in ("serve", "demo"):
        p = sub.add_parser(name, help="démarrer l'API" + (" avec les données de démo" if name == "demo" else ""))
        p.add_argument("--host", default=os.environ.get("ORDI_HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("ORDI_PORT", "8000")))
        p.add_argument("--workers", type=int, default=1)
    sub.add_parser("purge", help="purger tout ce qui a dépassé sa durée de conservation (les workers le font aussi)")
    admin = sub.add_parser("create-admin", help="créer le premier compte de l'opérateur (hors démo)")
    admin.add_argument("email")
    admin.add_argument("--name", default="", help="nom complet de la personne")
    admin.add_argument("--generate", action="store_true", help="tirer un mot de passe au hasard et l'afficher une fois")
    sub.add_parser("rebuild-stats", help="recalculer les cumuls du comité depuis l'historique")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        _migrate()
    elif args.command == "seed-demo":
        print("Données de démo créées." if _seed() else "Données de démo déjà présentes.")
    elif args.command == "serve":
        os.environ.setdefault("ORDI_PORT", str(args.port))  # ORDI_PUBLIC_URL follows it (ordi.config)
        _serve(args.host, args.port, args.workers)
    elif args.command == "demo":
        # The labels' links follow the port the demo listens on (ordi.config), when not told otherwise.
        os.environ.setdefault("ORDI_PORT", str(args.port))
        _migrate()
        started = time.perf_counter()
        if _seed():
            print(f"Données de démo créées en {time.perf_counter() - started:.1f} s (une année du programme).")
        from ordi.demo import ACCOUNTS, DEMO_PASSWORD, OTHER_ACCOUNTS

        shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104 - only the address shown
        print(f"\nOrdi 2.0 — démonstration : ouvrez http://{shown}:{args.port}/ (accueil et connexion)")
        print("  API : /api/v1   documentation : /schema   santé : /health")
        print(f"  Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for email, _, role in ACCOUNTS:
            print(f"    {email:<30} {role}")
        print("  Autres comptes (même mot de passe) :")
        for email, _, role in OTHER_ACCOUNTS:
            print(f"    {email:<30} {role}")
        print(flush=True)
        _serve(args.host, args.port, args.workers)
    elif args.command == "purge":
        print(_purge())
    elif args.command == "create-admin":
        _create_admin(args.email, args.name, args.generate)
    elif args.command == "rebuild-stats":
        print(_rebuild_stats())
    sys.exit(0)


if __name__ == "__main__":
    main()
