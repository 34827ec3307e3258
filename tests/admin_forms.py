"""The POST a browser would send for an admin change form, read from the rendered form.

Saving a form "unchanged" must send what the page holds — every field's current value and every
inline formset's management and row data — not a hand-picked dictionary that might leave out
exactly the field under test.
"""

from __future__ import annotations

from django import forms


def form_fields(form: forms.BaseForm) -> dict:
    """``{prefixed name: value}`` as the browser submits ``form`` untouched."""
    data: dict = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue  # a file input sends nothing unless a new file is chosen
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        elif value is not None:
            formatted = field.widget.format_value(value)
            data[key] = "" if formatted is None else formatted
    return data


def change_form_data(response) -> dict:
    """Every value of the admin change form in ``response`` (a GET of the change page)."""
    data = form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_fields(formset.management_form))
        for form in formset.forms:
            data.update(form_fields(form))
    return data
