"""The web application for people (issue 12): server-rendered pages over the API's services.

`routes()` is everything `ordi.app` mounts: the pages (a Router with the `viewer` dependency and
the error pages), the stylesheet and script, and the OpenAPI viewer's files served from the
installed `swagger-ui-py` package (nothing from a CDN).
"""
