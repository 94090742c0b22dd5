"""Every area's models, imported in one place so that migrations see the whole schema."""


def load_all() -> None:
    import portal.callback.models  # noqa: F401
    import portal.catalogue.models  # noqa: F401
    import portal.concern.models  # noqa: F401
    import portal.feedback.models  # noqa: F401
    import portal.imports.models  # noqa: F401
    import portal.outbox  # noqa: F401
    import portal.staff.models  # noqa: F401
