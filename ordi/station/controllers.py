"""`GET /scan` and the station's static files: plain HTML, one vanilla script, no build step, no CDN."""

from __future__ import annotations

from pathlib import Path

from litestar import Response, get
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from ordi.http.html import html_response
from ordi.station.pages import STATIC_PATH, html_page

STATIC_DIR = Path(__file__).parent / "static"

_BAR = """<span><strong>Ordi 2.0</strong> · poste de scan</span>
<span class="who"><span id="who"></span>
<button type="button" id="logout" class="link" hidden>Se déconnecter</button></span>"""

_MAIN = """<form id="login" class="card" hidden>
  <h1>Connexion</h1>
  <label for="email">Adresse e-mail</label>
  <input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Mot de passe</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" class="primary">Se connecter</button>
  <p id="login-error" class="error" role="alert"></p>
</form>
<section id="station" hidden>
  <form id="scan-form" autocomplete="off">
    <label for="code">Scanner une étiquette ou saisir un code (numéro d'inventaire ou de série)</label>
    <div class="row">
      <input id="code" name="code" type="text" inputmode="text" autocapitalize="characters"
             autocorrect="off" spellcheck="false" enterkeyhint="go" required>
      <button type="submit">Chercher</button>
    </div>
  </form>
  <div id="message" role="status" aria-live="polite"></div>
  <article id="device" class="card" hidden>
    <h2 id="device-tag" class="tag"></h2>
    <dl>
      <dt>Catégorie</dt><dd id="device-category"></dd>
      <dt>Modèle</dt><dd id="device-model"></dd>
      <dt>État</dt><dd><span id="device-state" class="state"></span></dd>
    </dl>
  </article>
  <div id="actions" class="actions"></div>
  <form id="action-form" class="card" hidden></form>
</section>
<noscript><p class="error">Le poste de scan a besoin de JavaScript.</p></noscript>"""

_SCAN_PAGE = html_page("Ordi 2.0 — poste de scan", _MAIN, page="scan", bar=_BAR)


@get("/scan", include_in_schema=False)
async def scan_page() -> Response[str]:
    return html_response(_SCAN_PAGE)


static_files = create_static_files_router(
    path=STATIC_PATH,
    directories=[STATIC_DIR],
    name="station-static",
    cache_control=CacheControlHeader(max_age=300),
)

ROUTES: list[ControllerRouterHandler] = [scan_page, static_files]
