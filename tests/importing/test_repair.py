"""Step 2, repair: mojibake undone, correct text untouched."""

from __future__ import annotations

import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252", as browsers decode
import pytest

from labsite.importing.repair import fix_mac_roman, repair_text


def _as_cp1252(text: str) -> str:
    return text.encode("utf-8").decode("sloppy-windows-1252")


def _as_mac_roman(text: str) -> str:
    return text.encode("utf-8").decode("mac_roman")


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("Donâ€™t Replay", "Don’t Replay"),
        (_as_cp1252("“Best Paper” — José"), "“Best Paper” — José"),
        ("‚≠ê August 2024: selected", "⭐ August 2024: selected"),
        ("\uf8ffüèÜ July 2024: award", "🏆 July 2024: award"),
        ("\uf8ffüì¢ June 2024", "📢 June 2024"),
        (_as_mac_roman("👩‍💻 June 2024: internship"), "👩‍💻 June 2024: internship"),
        (_as_mac_roman("🥳 May 2024"), "🥳 May 2024"),
    ],
)
def test_repair_text_undoes_mojibake(broken, fixed):
    assert repair_text(broken) == fixed


def test_fix_mac_roman_alone_handles_emoji_runs():
    # the MacRoman pass does not depend on ftfy having seen the text first
    assert fix_mac_roman("a ‚≠ê b \uf8ffüèÜ c") == "a ⭐ b 🏆 c"


@pytest.mark.parametrize(
    "text",
    [
        "Zoë Müller, Barnabás Póczos, Sławomir Łukasiewicz, Ørsted",
        "Ning Ding 丁宁, 清华大学; 研究室",
        "Emoji stay: ⭐ 🏆 📢 👩‍💻 🥳 🔹 †‡ —",
        "Curly “quotes” and ‘single’ ones, café — naïve",
        "Réné “Émile” Ça—éà",  # accented pairs that MacRoman would re-decode, left alone
        "Math: α ≤ β ≠ γ, ∑ x² ∈ ℝ",
        "&quot;entities&quot; stay for the parsers &amp; co",
    ],
)
def test_repair_text_leaves_correct_text_alone(text):
    assert repair_text(text) == text
