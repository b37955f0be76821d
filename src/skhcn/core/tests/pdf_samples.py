"""Real PDFs with each kind of active content, built for the tests (fpdf2 for the page, pikepdf for the rest)."""

import io

import pikepdf
from fpdf import FPDF
from pikepdf import Array, Dictionary, Name, Pdf, String

PAGE_TEXT = "Don de nghi cap giay chung nhan"


def clean_pdf_bytes(text: str = PAGE_TEXT, link: str | None = None) -> bytes:
    """One A4 page of text; ``link`` adds an ordinary web link (a /URI action, which is allowed)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text, link=link or "")
    return bytes(pdf.output())


def _save(pdf: Pdf, **options) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **options)
    return buffer.getvalue()


def _js(pdf: Pdf, script: str = "app.alert('x');"):
    return pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(script)))


def _link(action) -> Dictionary:
    return Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([10, 10, 100, 30]), A=action)


def _add_annotation(pdf: Pdf, annotation) -> None:
    page = pdf.pages[0].obj
    annotations = page.get("/Annots")
    if annotations is None:
        page.Annots = Array([])
        annotations = page.Annots
    annotations.append(pdf.make_indirect(annotation))


def _embedded_file(pdf: Pdf):
    stream = pdf.make_stream(b"MZ not really a program", Type=Name.EmbeddedFile)
    return Dictionary(Type=Name.Filespec, F=String("chay-toi.exe"), EF=Dictionary(F=stream))


def _widget(pdf: Pdf, **entries):
    field = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Btn,
            T=String("nut"),
            Rect=Array([10, 40, 100, 60]),
            **entries,
        )
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
    pdf.pages[0].obj.Annots = Array([field])
    return field


def _build(kind: str, pdf: Pdf) -> None:
    """Add one kind of active content to ``pdf`` (see VARIANTS)."""
    if kind == "names_javascript":
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("mo"), _js(pdf)])))
    elif kind == "link_javascript":
        _add_annotation(pdf, _link(_js(pdf)))
    elif kind == "open_action_javascript":
        pdf.Root.OpenAction = _js(pdf)
    elif kind == "open_action_uri":
        pdf.Root.OpenAction = Dictionary(S=Name.URI, URI=String("https://example.org/"))
    elif kind == "page_aa":
        pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.URI, URI=String("https://example.org/")))
    elif kind == "document_aa":
        pdf.Root.AA = Dictionary(WC=Dictionary(S=Name.Named, N=Name.Print))
    elif kind == "field_aa":
        _widget(pdf, AA=Dictionary(K=Dictionary(S=Name.Named, N=Name.NextPage)))
    elif kind == "launch":
        _add_annotation(pdf, _link(Dictionary(S=Name.Launch, F=String("cmd.exe"))))
    elif kind == "embedded_files":
        pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array([String("a"), _embedded_file(pdf)])))
    elif kind == "file_attachment":
        _add_annotation(
            pdf,
            Dictionary(
                Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([0, 0, 20, 20]), FS=_embedded_file(pdf)
            ),
        )
    elif kind == "submit_form":
        _widget(pdf, A=Dictionary(S=Name.SubmitForm, F=String("https://example.org/nhan")))
    elif kind == "import_data":
        _widget(pdf, A=Dictionary(S=Name.ImportData, F=String("du-lieu.fdf")))
    elif kind == "goto_remote":
        _add_annotation(pdf, _link(Dictionary(S=Name.GoToR, F=String("khac.pdf"), D=Array([0, Name.Fit]))))
    elif kind == "goto_embedded":
        _add_annotation(pdf, _link(Dictionary(S=Name.GoToE, D=Array([0, Name.Fit]))))
    elif kind == "rich_media":
        _add_annotation(pdf, Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([0, 0, 20, 20])))
    elif kind == "xfa":
        _widget(pdf)
        pdf.Root.AcroForm.XFA = pdf.make_stream(b"<xdp:xdp><script>app.alert(1)</script></xdp:xdp>")
    elif kind == "javascript_in_next_chain":
        # A harmless "go to page 1" link whose /Next action runs a script; the actions are indirect and cyclic.
        first = pdf.make_indirect(Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit])))
        script = _js(pdf)
        first.Next = script
        script.Next = first
        _add_annotation(pdf, _link(first))
    else:
        raise ValueError(kind)


# kind of sample -> the kinds pdf_safety reports for it.
VARIANTS = {
    "names_javascript": {"javascript"},
    "link_javascript": {"javascript"},
    "open_action_javascript": {"javascript", "auto_action"},
    "open_action_uri": {"auto_action"},
    "page_aa": {"auto_action"},
    "document_aa": {"auto_action"},
    "field_aa": {"auto_action"},
    "launch": {"launch"},
    "embedded_files": {"embedded_file"},
    "file_attachment": {"embedded_file"},
    "submit_form": {"form_action"},
    "import_data": {"form_action"},
    "goto_remote": {"remote_link"},
    "goto_embedded": {"remote_link"},
    "rich_media": {"rich_media"},
    "xfa": {"xfa"},
    "javascript_in_next_chain": {"javascript"},
}


def active_pdf_bytes(*kinds: str, object_streams: bool = True, signed: bool = False, **save_options) -> bytes:
    """A clean text page plus the given kinds of active content. With ``object_streams`` the objects are packed
    into compressed object streams (so "/JavaScript" never appears in the raw bytes)."""
    pdf = Pdf.open(io.BytesIO(clean_pdf_bytes()))
    for kind in kinds:
        _build(kind, pdf)
    if signed:
        signature = pdf.make_indirect(
            Dictionary(
                Type=Name.Sig,
                Filter=Name("/Adobe.PPKLite"),
                ByteRange=Array([0, 10, 20, 10]),
                Contents=String(b"\x00" * 16),
            )
        )
        field = pdf.make_indirect(Dictionary(FT=Name.Sig, T=String("chu-ky"), V=signature))
        acroform = pdf.Root.get("/AcroForm")
        if acroform is None:
            pdf.Root.AcroForm = Dictionary(Fields=Array([]))
            acroform = pdf.Root.AcroForm
        acroform.Fields.append(field)
        acroform.SigFlags = 3
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    return _save(pdf, object_stream_mode=mode, **save_options)


def nested_pdf_bytes(depth: int, inner: bytes = b"<< /S /JavaScript /JS (x) >>") -> bytes:
    """A hand-written PDF whose catalog holds ``inner`` inside ``depth`` nested arrays."""
    value = b"[" * depth + inner + b"]" * depth
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Deep " + value + b" >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def cyclic_pdf_bytes() -> bytes:
    """Dictionaries that point at each other in a ring (1 → 2 → 3 → 1) from the catalog, with a script inside."""
    pdf = Pdf.open(io.BytesIO(clean_pdf_bytes()))
    ring = [pdf.make_indirect(Dictionary(Index=i)) for i in range(3)]
    for i, item in enumerate(ring):
        item.Next = ring[(i + 1) % 3]
    ring[2].Hidden = Dictionary(S=Name.JavaScript, JS=String("x"))
    pdf.Root.Ring = ring[0]
    return _save(pdf)


def encrypted_pdf_bytes(user_password: str = "matkhau") -> bytes:  # noqa: S107 - a sample file's password
    pdf = Pdf.open(io.BytesIO(clean_pdf_bytes()))
    return _save(pdf, encryption=pikepdf.Encryption(user=user_password, owner="chu-so-huu"))
