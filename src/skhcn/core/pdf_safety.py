"""Active content in uploaded PDFs: find it, or remove it (pikepdf over qpdf).

"Active content" is what a PDF reader may run or open on its own or on one click: JavaScript, actions run when the
document, a page, a field or an annotation opens or changes (OpenAction other than a plain "go to page", /AA), Launch
actions, form submission and data import, links to other documents, embedded files and file attachments, rich media
and XFA forms (which carry scripts).

qpdf reads every object of the file, including those packed in object streams and those a damaged cross-reference
table hides, so the scan visits each indirect object once and walks only the direct objects nested in it: reference
cycles cannot loop, and a node budget bounds the work on a hostile file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

# Kinds of active content, in the order messages list them, with their Vietnamese names.
JAVASCRIPT = "javascript"
AUTO_ACTION = "auto_action"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
FORM_ACTION = "form_action"
REMOTE_LINK = "remote_link"
RICH_MEDIA = "rich_media"
XFA = "xfa"
KIND_LABELS = {
    JAVASCRIPT: "mã JavaScript",
    AUTO_ACTION: "lệnh tự động chạy khi mở tệp, trang hoặc ô nhập liệu (OpenAction/AA)",
    LAUNCH: "lệnh mở chương trình hoặc tệp khác (Launch)",
    EMBEDDED_FILE: "tệp đính kèm nhúng",
    FORM_ACTION: "lệnh gửi hoặc nhập dữ liệu biểu mẫu (SubmitForm/ImportData)",
    REMOTE_LINK: "liên kết mở tài liệu khác (GoToR/GoToE)",
    RICH_MEDIA: "nội dung đa phương tiện nhúng (RichMedia)",
    XFA: "biểu mẫu động XFA (có thể chứa mã lệnh)",
}

_ACTION_KINDS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/SubmitForm": FORM_ACTION,
    "/ImportData": FORM_ACTION,
    "/GoToR": REMOTE_LINK,
    "/GoToE": REMOTE_LINK,
    "/RichMediaExecute": RICH_MEDIA,
}
_ANNOTATION_KINDS = {"/FileAttachment": EMBEDDED_FILE, "/RichMedia": RICH_MEDIA}
_CONTAINERS = (Dictionary, pikepdf.Stream, Array)
# Keys whose value is an action to follow (a link's /A, an outline item's /A, the document's /OpenAction).
_ACTION_KEYS = ("/A", "/PA", "/OpenAction")
# Dictionaries and arrays visited per file (about 25 µs each): far above what real documents hold (a 500-page text
# PDF has about 10,000), and a bound on the time a hostile file of many tiny objects can take.
NODE_BUDGET = 1_000_000
# Actions followed along one /Next chain.
CHAIN_LIMIT = 100
# Acrobat accepts a file whose %%EOF marker lies within its last 1024 bytes (PDF Reference, implementation notes);
# a file without one was cut short.
EOF_WINDOW = 1024


# What qpdf and pikepdf raise on a damaged file (qpdf's C++ exceptions arrive as RuntimeError / ValueError).
_READ_ERRORS = (pikepdf.PikepdfError, RuntimeError, ValueError, TypeError, KeyError, IndexError, OverflowError)


class PdfUnreadable(Exception):
    """The PDF cannot be checked: ``code`` is "corrupt", "encrypted" or "too_complex"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class CleaningFailed(Exception):
    """Active content was still found after removing it (a construction the cleaner does not know)."""


@dataclass(frozen=True)
class PdfScan:
    found: frozenset[str]
    # Signed (a signature dictionary with a /ByteRange): any change to the file breaks the signature.
    signed: bool

    @property
    def active(self) -> bool:
        return bool(self.found)


def describe(kinds) -> str:
    """ "mã JavaScript, tệp đính kèm nhúng" in the fixed order of KIND_LABELS."""
    return ", ".join(label for kind, label in KIND_LABELS.items() if kind in kinds)


def scan_pdf(fileobj) -> PdfScan:
    """What active content the PDF in ``fileobj`` holds; PdfUnreadable when it cannot be read."""
    with _open(fileobj) as pdf:
        return _scan(pdf)


def strip_active_content(fileobj, out) -> frozenset[str]:
    """Write to ``out`` a copy of the PDF without its active content; return the kinds removed.

    The copy is scanned again: CleaningFailed if anything is left. Encryption without a user password (restrictions
    only) is dropped in the copy.
    """
    with _open(fileobj) as pdf:
        found = _scan(pdf).found
        buffer = io.BytesIO()
        try:
            for dictionary in list(_dictionaries(pdf, [NODE_BUDGET])):
                _strip(dictionary)
            pdf.save(buffer, encryption=False, fix_metadata_version=False)
        except _READ_ERRORS as exc:
            raise PdfUnreadable("corrupt") from exc
    buffer.seek(0)
    with _open(buffer) as cleaned:
        if _scan(cleaned).found:
            raise CleaningFailed
    out.write(buffer.getvalue())
    out.seek(0)
    return found


# --- reading ------------------------------------------------------------------------------------------------------


def _open(fileobj) -> Pdf:
    fileobj.seek(0, io.SEEK_END)
    end = fileobj.tell()
    fileobj.seek(max(0, end - EOF_WINDOW))
    if b"%%EOF" not in fileobj.read():
        raise PdfUnreadable("corrupt")
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    try:
        pdf = Pdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise PdfUnreadable("encrypted") from exc
    except _READ_ERRORS as exc:
        raise PdfUnreadable("corrupt") from exc
    try:
        pages = len(pdf.pages)
    except _READ_ERRORS as exc:
        pdf.close()
        raise PdfUnreadable("corrupt") from exc
    if pages == 0:
        pdf.close()
        raise PdfUnreadable("corrupt")
    return pdf


def _dictionaries(pdf: Pdf, budget: list[int]) -> Iterator[Dictionary]:
    """Every dictionary (and stream dictionary) of the file once: each indirect object and the direct objects nested
    in it; references are not followed (their targets are indirect objects visited in their own turn)."""
    try:
        objects = pdf.objects
    except _READ_ERRORS as exc:
        raise PdfUnreadable("corrupt") from exc
    for top in objects:
        if not isinstance(top, _CONTAINERS):
            continue
        stack = [top]
        while stack:
            item = stack.pop()
            budget[0] -= 1
            if budget[0] < 0:
                raise PdfUnreadable("too_complex")
            if isinstance(item, Array):
                children = item
            else:
                yield item
                children = item.values()
            stack.extend(child for child in children if isinstance(child, _CONTAINERS) and not child.is_indirect)


def _scan(pdf: Pdf) -> PdfScan:
    found: set[str] = set()
    signed = False
    try:
        for dictionary in _dictionaries(pdf, [NODE_BUDGET]):
            found |= _kinds_in(dictionary)
            if "/ByteRange" in dictionary and _name(dictionary.get("/Type")) in ("/Sig", "/DocTimeStamp", None):
                signed = True
    except _READ_ERRORS as exc:
        raise PdfUnreadable("corrupt") from exc
    return PdfScan(found=frozenset(found), signed=signed)


def _kinds_in(d) -> set[str]:
    kinds = set()
    if "/JS" in d or "/JavaScript" in d:  # an action's script; the document-level scripts' name tree
        kinds.add(JAVASCRIPT)
    action = _name(d.get("/S"))
    if action in _ACTION_KINDS:
        kinds.add(_ACTION_KINDS[action])
    aa = d.get("/AA")
    if isinstance(aa, Dictionary) and len(aa.keys()):
        kinds.add(AUTO_ACTION)
    if _runs_on_open(d.get("/OpenAction")):
        kinds.add(AUTO_ACTION)
    if "/EmbeddedFiles" in d or "/EF" in d or _name(d.get("/Type")) == "/EmbeddedFile":
        kinds.add(EMBEDDED_FILE)
    subtype = _name(d.get("/Subtype"))
    if subtype in _ANNOTATION_KINDS and _name(d.get("/Type")) in ("/Annot", None):
        kinds.add(_ANNOTATION_KINDS[subtype])
    if "/XFA" in d:
        kinds.add(XFA)
    return kinds


def _name(value) -> str | None:
    return str(value) if isinstance(value, Name) else None


def _runs_on_open(value) -> bool:
    """An /OpenAction that does more than show a page: a destination array or a plain GoTo action is harmless."""
    if not isinstance(value, Dictionary):
        return False
    return _name(value.get("/S")) != "/GoTo" or "/Next" in value


def _chain_is_active(action) -> bool:
    """Whether an action or any action of its /Next chain is one of the active kinds (cycles and length bounded)."""
    pending, seen, steps = [action], set(), 0
    while pending and steps < CHAIN_LIMIT:
        item = pending.pop()
        steps += 1
        if isinstance(item, Array):
            pending.extend(item)
            continue
        if not isinstance(item, Dictionary):
            continue
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        if "/JS" in item or _name(item.get("/S")) in _ACTION_KINDS:
            return True
        if "/Next" in item:
            pending.append(item.get("/Next"))
    return bool(pending)  # a chain longer than CHAIN_LIMIT counts as active


# --- cleaning -----------------------------------------------------------------------------------------------------


# What an action of the active kinds carries: removed with its /S, so a copy still reachable some odd way is no
# longer an action at all (readers skip a dictionary without a type of action).
_ACTION_PAYLOAD = ("/S", "/JS", "/F", "/Win", "/Mac", "/Unix", "/T", "/TA", "/TI", "/CMD", "/Fields")


def _strip(d) -> None:
    if _name(d.get("/S")) in _ACTION_KINDS:
        for key in _ACTION_PAYLOAD:
            if key in d:
                del d[key]
    for key in ("/AA", "/JavaScript", "/EmbeddedFiles", "/EF", "/RF", "/XFA", "/JS"):
        if key in d:
            del d[key]
    for key in _ACTION_KEYS:
        value = d.get(key)
        if value is None:
            continue
        if (key == "/OpenAction" and _runs_on_open(value)) or _chain_is_active(value):
            del d[key]
    if "/Next" in d and _chain_is_active(d.get("/Next")):
        del d["/Next"]
    annotations = d.get("/Annots")
    if isinstance(annotations, Array):
        kept = [a for a in annotations if not _is_risky_annotation(a)]
        if len(kept) != len(annotations):
            d["/Annots"] = Array(kept)


def _is_risky_annotation(annotation) -> bool:
    return isinstance(annotation, Dictionary) and _name(annotation.get("/Subtype")) in _ANNOTATION_KINDS
