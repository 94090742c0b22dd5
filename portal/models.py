"""Every area's models, imported in one place so that migrations see the whole schema."""


def load_all() -> None:
    import portal.callback.models
    import portal.catalogue.models
    import portal.concern.models
    import portal.content.models
    import portal.feedback.models
    import portal.imports.models
    import portal.outbox
    import portal.resident_feedback.models
    import portal.staff.models  # noqa: F401
