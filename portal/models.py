"""Every area's models, imported in one place so that migrations see the whole schema."""


def load_all() -> None:
    import portal.catalogue.models  # noqa: F401
