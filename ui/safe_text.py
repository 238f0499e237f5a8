"""Untrusted text (supplier names, descriptions, buyer input) shown through Markdown.

Safety rule: `md_text` escapes every Markdown and HTML character, so a name such as
`<img src=x onerror=...>` or `[x](javascript:...)` is shown as the characters it is made of.
"""


def md_text(text: object) -> str:
    """Text shown through st.markdown with Markdown and HTML characters escaped."""
    out = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>~$":
        out = out.replace(ch, "\\" + ch)
    return out
