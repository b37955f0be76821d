"""Dossiers coming in: the applicant's draft and its submission (``services``); a paper dossier is entered with
the ``intake`` action of the workflow (postal intake: ``skhcn.delivery``)."""
