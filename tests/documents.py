"""Editing pilote/v1 test documents by path."""

import copy

DROP = object()  # as a change's value: delete the field


def edited(doc: dict, changes: dict, separator: str = ".", root: str | None = None) -> dict:
    """A copy of ``doc`` where each path (``"clients.0.phone"``, under ``root`` if given)
    gets its new value; DROP deletes the field, an index one past the end appends."""
    doc = copy.deepcopy(doc)
    for path, value in changes.items():
        *parents, last = path.split(separator)
        target = doc[root] if root else doc
        for part in parents:
            target = target[int(part) if part.isdigit() else part]
        last = int(last) if last.isdigit() else last
        if value is DROP:
            del target[last]
        elif isinstance(target, list) and last == len(target):
            target.append(value)
        else:
            target[last] = value
    return doc


def pdf_text(data: bytes) -> list[str]:
    """A PDF's pages as text (``pdftotext -layout``, Debian poppler-utils), each line's runs
    of spaces collapsed to one so that table cells read ``a b c``."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        text = subprocess.run(["pdftotext", "-layout", pdf.name, "-"], check=True,
                              capture_output=True, text=True).stdout
    return ["\n".join(" ".join(line.split()) for line in page.splitlines())
            for page in text.split("\f") if page.strip()]
