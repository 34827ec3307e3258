"""Responsive images: ``{% load labsite_media %}`` then ``{% picture … %}``.

``{% picture renditions file width height sizes=… alt=… css_class=… lazy=True %}`` writes

    <picture><source type="image/webp" srcset="…80w, …160w" sizes="…">
    <img src="<file>" width height alt loading decoding></picture>

``renditions`` are the WebP copies made at upload (``labsite.images.make_renditions``);
``file``, ``width`` and ``height`` the copy in the original format (a thumbnail, a web
rendition or the original) for a browser without WebP; ``sizes`` how wide the image is shown.
A lazy image says ``sizes="auto, …"``: the browser then uses its laid-out width. Without
renditions (an animated GIF, an image stored before them) it is a plain ``<img>``. A Python tag
rather than an include: one call per image, no template parsing.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from labsite.images import srcset

register = template.Library()


@register.simple_tag
def picture(
    renditions, file, width, height, *, sizes: str, alt: str = "", css_class: str = "", lazy=True
):
    if not file:
        return ""
    img = format_html(
        '<img{} src="{}" width="{}" height="{}" alt="{}"{} decoding="async">',
        format_html(' class="{}"', css_class) if css_class else "",
        file.url,
        width or "",
        height or "",
        alt or "",
        mark_safe(' loading="lazy"') if lazy else "",
    )
    candidates = srcset(renditions)
    if not candidates:
        return img
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        candidates,
        f"auto, {sizes}" if lazy else sizes,
        img,
    )


@register.simple_tag
def figure_sizes(figure, cap_rem: int = 70) -> str:
    """``sizes`` for a figure in the page's column: the column (at most ``cap_rem``) or its
    ``display_width``, never wider than the image itself."""
    widths = [f"{cap_rem}rem"]
    if figure.display_width:
        widths.append(f"{figure.display_width}px")
    shown = figure.rendition_width if figure.rendition else figure.width
    if shown:
        widths.append(f"{shown}px")
    return f"min(100vw, {', '.join(widths)})"


#: How wide avatars are shown (static/labsite/site.css ``.avatar``, ``.profile .avatar--lg``).
AVATAR_SIZES = {"": "4.5rem", "lg": "(min-width: 56rem) 10rem, 6.5rem"}


@register.simple_tag
def avatar_picture(person, size: str = "", alt: str = "", eager=False):
    """``person``'s photo: the WebP copies, with the thumbnail (or the original) as fallback."""
    css_class = f"avatar avatar--{size}" if size else "avatar"
    if person.avatar_thumbnail:
        file = person.avatar_thumbnail
        width, height = person.avatar_thumbnail_width, person.avatar_thumbnail_height
    else:
        file, width, height = person.avatar, person.avatar_width, person.avatar_height
    return picture(
        person.avatar_renditions,
        file,
        width,
        height,
        sizes=AVATAR_SIZES.get(size or "", AVATAR_SIZES[""]),
        alt=alt,
        css_class=css_class,
        lazy=not eager,
    )
