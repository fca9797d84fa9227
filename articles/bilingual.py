"""Names and titles in the reader's language."""


def in_language(obj, field: str, language: str) -> str:
    """obj.<field>_vi, obj.<field>_en (falling back to the Vietnamese), or for "both"
    the two as "vi / en" (once, when they are the same)."""
    vietnamese, english = getattr(obj, f"{field}_vi"), getattr(obj, f"{field}_en")
    if language == "vi" or not english or english == vietnamese:
        return vietnamese
    return english if language == "en" else f"{vietnamese} / {english}"
