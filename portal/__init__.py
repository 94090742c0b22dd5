"""The resident wellbeing portal."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from htmx_flask import Htmx
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter


class DatabaseId(IntegerConverter):
    """Every <int:...> in a route is a database id: 1 to 2**31 - 1. A larger number is a 404, not a 500."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class PortalApp(Flask):
    """Flask, with each request one unit of work (portal/db.py): committed once the view has answered
    below 400, before any hook or the confirmation it built leaves, so a failed commit is the database's
    503 page (or the view's own, where it commits inside its try) and never a confirmation."""

    def dispatch_request(self):
        from flask import g, request

        from portal import db

        g.db_endpoint = request.endpoint
        try:
            response = self.make_response(super().dispatch_request())
        except HTTPException:
            db.end_request(None)
            raise
        except BaseException:
            db.abandon()
            raise
        db.end_request(response.status_code)
        return response


def create_app(test_config: dict | None = None) -> Flask:
    app = PortalApp(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"),
                static_folder=None)
    app.url_map.converters["int"] = DatabaseId
    from portal.config import load_config

    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)

    from portal import (
        assets,
        cache,
        cli,
        compression,
        crypto,
        db,
        errors,
        formatting,
        forms,
        i18n,
        limits,
        outbox,
        public_computer,
        retention,
        security,
    )

    # First, so that its after_request runs last: it compresses the body every other hook has finished.
    compression.init_app(app)
    db.init_app(app)
    cache.init_app(app)
    crypto.init_app(app)
    limits.init_app(app)
    outbox.init_app(app)
    retention.init_app(app)
    public_computer.init_app(app)
    forms.init_app(app)
    i18n.init_app(app)
    formatting.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    cli.init_app(app)
    Htmx(app)
    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXIES"]
        # Flask's own middleware pattern; its stubs type wsgi_app as a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(lambda: {"service": formatting.service_in_page_language(app.config["SERVICE"])})
    from portal.sanitise import rich_text

    app.add_template_filter(rich_text)

    from portal.callback.views import bp as callback_bp
    from portal.catalogue.api import bp as api_bp
    from portal.catalogue.views import bp as catalogue_bp
    from portal.concern.views import bp as concern_bp
    from portal.content.views import bp as content_bp, staff_bp as staff_content_bp
    from portal.feedback.views import bp as feedback_bp
    from portal.imports.views import bp as staff_imports_bp
    from portal.mylist.views import bp as mylist_bp
    from portal.pages.views import bp as pages_bp
    from portal.preferences.views import bp as preferences_bp
    from portal.staff.views_admin import bp as staff_admin_bp
    from portal.staff.views_auth import bp as staff_auth_bp
    from portal.staff.views_catalogue import bp as staff_catalogue_bp
    from portal.staff.views_queue import bp as staff_queue_bp
    from portal.staff.views_stats import bp as staff_stats_bp

    for blueprint in (pages_bp, preferences_bp, catalogue_bp, api_bp, callback_bp, concern_bp, mylist_bp, feedback_bp,
                      staff_auth_bp, staff_queue_bp, staff_stats_bp, staff_admin_bp, staff_catalogue_bp,
                      staff_imports_bp, content_bp, staff_content_bp):
        app.register_blueprint(blueprint)
    from portal.opendata.views import bp as opendata_bp
    app.register_blueprint(opendata_bp)
    from portal.resident_feedback.views import bp as resident_feedback_bp
    app.register_blueprint(resident_feedback_bp)
    from portal.staff.views_casework import bp as staff_casework_bp
    app.register_blueprint(staff_casework_bp)
    _commands_as_units_of_work(app.cli)
    return app


def _commands_as_units_of_work(group) -> None:
    """Every `flask --app app …` command of the portal commits once, when it has finished."""
    import click

    from portal import db

    for command in group.commands.values():
        if isinstance(command, click.Group):
            _commands_as_units_of_work(command)
        elif command.callback is not None and not getattr(command.callback, "unit_of_work", False):
            command.callback = db.run_as_unit_of_work(command.callback)
            command.callback.unit_of_work = True
