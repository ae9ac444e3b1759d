"""RGPD-1, NF-2 (#24): a page no domain owns (the legal information, the accessibility statement) keeps the menu
of the person reading it — the greffier's portal, the officer's, the juridiction's, the national follow-up's, the
administration's. Each app registers, when it is ready, how it frames such a page for its own role, the way the
rubriques register into the catalogue: core imports none of them. A frame answers (template, context) for the
request, or None when the role is not its own."""

FRAMES = []


def register(frame):
    FRAMES.append(frame)
    return frame


def frame_for(request):
    """The context that lets a page extend the menu of the reader's role (`{% extends frame %}`): the first frame
    that answers; the portal's bare base without a session."""
    for frame in FRAMES:
        framed = frame(request)
        if framed is not None:
            template, context = framed
            return {**context, "frame": template}
    return {"frame": "base.html"}
