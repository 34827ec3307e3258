"""Step 1, read: Chinese and Korean files saved without a BOM in GB18030 (GBK), Big5 or EUC-KR
are read in that encoding; Western code pages and the files no encoding explains are read or
refused as before. Every text here is invented and encoded by the test itself."""

from __future__ import annotations

import pytest

from labsite.importing.read import ReadError, decode_bytes, read_text
from labsite.importing.readers import collect
from labsite.importing.repair import repair_text

FRONT = "---\ntitle: {title}\ndate: 2022-04-01\n---\n\n"

CHINESE = "我们的小组研究纸船在水上的漂流，这是一个虚构的实验，结果说明需要更多的数据和时间。"
TRADITIONAL = "我們的小組研究紙船在水上的漂流，這是一個虛構的實驗，結果說明需要更多的資料和時間。"
KOREAN = "우리 연구실은 종이배가 물 위에서 떠다니는 것을 연구합니다. 이것은 가상의 실험입니다."


@pytest.mark.parametrize(
    ("codec", "title", "body"),
    [
        ("gb18030", "纸船笔记", CHINESE),
        ("gbk", "纸船笔记", CHINESE),
        ("big5", "紙船筆記", TRADITIONAL),
        ("euc_kr", "종이배 연구", KOREAN),
    ],
)
def test_an_east_asian_file_is_read_in_its_encoding(codec, title, body):
    text = FRONT.format(title=title) + body + "\n"
    assert decode_bytes(text.encode(codec)) == text
    assert repair_text(text) == text  # and the repair step leaves it as it is


def test_a_short_chinese_file_and_a_name_among_english_text():
    short = FRONT.format(title="笔记") + "今天开会。\n"
    assert decode_bytes(short.encode("gb18030")) == short
    english = "---\ntitle: About\n---\n\nI work with 王小明 on paper boats and their knots.\n"
    assert decode_bytes(english.encode("gbk")) == english


def test_korean_bytes_are_not_read_as_chinese():
    # EUC-KR Hangul decodes cleanly as GB18030, as random Chinese: the Korean reading wins
    text = "연구 논문 목록입니다. 발표와 교육도 있습니다.\n"
    assert decode_bytes(text.encode("euc_kr")) == text


@pytest.mark.parametrize(
    "text",
    [
        "Björn Müller und Jürgen Schröder über Gärten\n",  # umlauts inside words
        "José’s “café” — naïve résumé, Ærøskøbing\n",  # accents beside quotes
        "Émile Ørsted, Åsa Öberg and Ærø: a façade\n",  # capitals before letters
    ],
)
def test_western_text_is_still_read_as_western(text):
    assert decode_bytes(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("shift_jis", "紙の船の研究室です。論文の一覧。"),
        ("euc_jp", "紙の船の研究室です。論文の一覧。"),
    ],
)
def test_japanese_encodings_are_still_refused_with_their_line(codec, text):
    data = b"---\ntitle: ok\n---\n" + (text * 4).encode(codec)
    with pytest.raises(ReadError) as exc:
        decode_bytes(data)
    assert exc.value.line == 4
    assert exc.value.message.startswith("unknown text encoding")


def test_a_jekyll_site_with_a_gb18030_post_imports_it(tmp_path):
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text('title: "Lio Brandt"\nauthor:\n  name: "Lio Brandt"\n')
    post = FRONT.format(title='"纸船笔记"') + CHINESE + "\n"
    (root / "_posts" / "2022-04-01-boats.md").write_bytes(post.encode("gb18030"))

    site = collect(root)

    assert site.errors == []
    [page] = [p for p in site.pages if p.source.path.startswith("_posts/")]
    [record] = page.posts
    assert (record.title, record.body.strip()) == ("纸船笔记", CHINESE)


def test_read_text_reads_a_gb18030_file(tmp_path):
    path = tmp_path / "notes.md"
    text = FRONT.format(title="笔记") + CHINESE + "\r\n"
    path.write_bytes(text.encode("gb18030"))
    assert read_text(path) == text.replace("\r\n", "\n")
