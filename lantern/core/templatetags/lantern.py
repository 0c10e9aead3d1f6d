"""Template tags that render Django form fields as GOV.UK Design System components."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


# Most specific first: RadioSelect and CheckboxSelectMultiple are kinds of Select.
_KINDS: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxInput, "checkbox"),
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.Select, "select"),
    (forms.Textarea, "textarea"),
    (forms.HiddenInput, "hidden"),
]


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    return next((kind for cls, kind in _KINDS if isinstance(widget, cls)), "input")


_CLASSES = {
    "input": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
}


@register.inclusion_tag("components/field.html")
def field(
    bound: forms.BoundField, label: str = "", hint: str = "", width: str = "", heading: bool = False
) -> dict[str, Any]:
    kind = _kind(bound)
    css = _CLASSES.get(kind, "")
    if css and bound.errors:
        css += f" {css}--error"
    if width and kind == "input":
        css += f" govuk-input--width-{width}" if width.isdigit() else f" govuk-!-width-{width}"
    attrs: dict[str, Any] = {}
    if css:
        attrs["class"] = css
    described = []
    if hint or bound.help_text:
        described.append(f"{bound.auto_id}-hint")
    if bound.errors:
        described.append(f"{bound.auto_id}-error")
    if described and kind not in {"checkboxes", "radios"}:
        attrs["aria-describedby"] = " ".join(described)
    return {
        "field": bound,
        "kind": kind,
        "label": label or bound.label,
        "hint": hint or bound.help_text,
        "widget": bound.as_widget(attrs=attrs) if kind not in {"checkboxes", "radios"} else "",
        "heading": heading,
        "options": list(bound) if kind in {"checkboxes", "radios"} else [],
        "selected": {str(v) for v in (bound.value() or [])}
        if kind == "checkboxes"
        else {str(bound.value())},
    }


@register.filter
def error_anchor(form: forms.Form, name: str) -> str:
    """The id an error summary links to: the field's input, or the first option of a group."""
    if name == "__all__":
        return "main-content"
    bound = form[name]
    if _kind(bound) in {"checkboxes", "radios"}:
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


@register.filter
def dictget(mapping: dict[Any, Any], key: Any) -> Any:
    """`mapping[key]` in a template (a selector's rows keyed by record id)."""
    return mapping.get(key) if mapping else None


@register.filter
def may(user: Any, action: str) -> bool:
    """Whether the access policy lets `user` perform `action` (for showing a link)."""
    from lantern.access.policy import may as policy_may  # noqa: PLC0415 - access imports core

    return policy_may(user, action)
