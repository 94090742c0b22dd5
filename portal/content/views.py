"""The pages staff keep (carers, professionals, questions and answers) and the staff editor for them and
for current notices."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal.content import queries
from portal.content.forms import IMPORTANCE, LANGS, VERSION_FIELDS, ContentPageForm, NoticeForm, content_form_data
from portal.content.states import NOTICE
from portal.formatting import choose_language
from portal.forms import ActionForm
from portal.sanitise import rich_text
from portal.staff.auth import requires, signed_in
from portal.states import Refused

# The pages and their addresses, the same in every language (as /<lang>/contact); staff write the words.
PAGES = {
    "carers": _l("For family carers"),
    "professionals": _l("For professionals and organisations"),
    "questions": _l("Questions and answers"),
}

bp = Blueprint("content", __name__)
bp.add_app_template_global(lambda: queries.notices_shown(queries.today()), "current_notices")
bp.app_context_processor(lambda: {"content_pages": PAGES})
staff_bp = Blueprint("staff_content", __name__, url_prefix="/<lang>/staff")


def _public_page(slug: str):
    content = queries.page_by_slug(slug)
    versions = content.versions if content else {}
    shown = choose_language(versions)
    return render_template("content/page.html", slug=slug, default_title=PAGES[slug],
                           version=versions[shown] if shown else None)


for _slug in PAGES:
    bp.add_url_rule(f"/<lang>/{_slug}", _slug, lambda slug=_slug: _public_page(slug))


@staff_bp.get("/content")
@requires("editor")
def content_list():
    today = queries.today()
    return render_template("staff/content_list.html", pages=queries.pages(), titles=PAGES,
                           overdue=queries.overdue_versions(today), today=today)


@staff_bp.route("/content/<int:item_id>", methods=["GET", "POST"])
@requires("editor")
def content_edit(item_id: int):
    content = queries.page(item_id) or abort(404)
    form = ContentPageForm(data=content_form_data(content.versions) if request.method == "GET" else None)
    if form.validate_on_submit():
        versions = form.versions()
        for values in versions.values():
            if values is not None:  # only the safe subset is ever stored
                values["body"] = str(rich_text(str(values["body"]), headings=True))
        queries.save_page(content, versions, signed_in())
        flash(str(_l("Saved. The page is updated.")))
        return redirect(url_for("staff_content.content_edit", item_id=content.id), code=303)
    return render_template("staff/content_edit.html", form=form, content=content, titles=PAGES, langs=LANGS,
                           fields=VERSION_FIELDS)


@staff_bp.get("/notices")
@requires("editor")
def notices_page():
    return render_template("staff/notices.html", notices=queries.notices(), today=queries.today(),
                           importance=IMPORTANCE, table=NOTICE, staff=signed_in())


@staff_bp.route("/notices/new", methods=["GET", "POST"])
@requires("editor")
def notice_new():
    form = NoticeForm()
    if form.validate_on_submit():
        queries.publish_notice(form.importance.data, form.starts_on.data, form.ends_on.data, form.texts(),
                               signed_in())
        flash(str(_l("Published. The notice is shown from its first day until its last day.")))
        return redirect(url_for("staff_content.notices_page"), code=303)
    return render_template("staff/notice_edit.html", form=form, langs=LANGS)


@staff_bp.post("/notices/<int:item_id>/<action>")
@requires("editor")
def notice_move(item_id: int, action: str):
    item = queries.notice(item_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        queries.move_notice(item, action, signed_in())
    except Refused as refused:
        flash(str(refused.message))
        return redirect(url_for("staff_content.notices_page"), code=303)
    flash(str(_l("Withdrawn. The notice is no longer shown.")))
    return redirect(url_for("staff_content.notices_page"), code=303)
