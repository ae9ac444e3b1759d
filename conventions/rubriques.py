"""CONS-6: the catalogue of rubriques and of the fields inside them — what a profile may open.

The rubriques are declared once, with their readers and templates, by the consultation portal
(`allocataires/rubriques.py`), which registers them here when the apps are ready (as models register with the
admin site). The profiles (`Profile.grants`), the convention's annex and the portal all read this one
catalogue: what is not declared cannot be granted, and what a profile does not grant is not shown."""


class Catalogue:
    """The registered rubriques, in the manual's order. A rubrique has `code`, `label`, `tab` (shown as a tab;
    the header of every rubrique is not) and `fields`, each with `code` and `label` (the annex's words)."""

    def __init__(self):
        self._rubriques = {}

    def register(self, *rubriques):
        for rubrique in rubriques:
            if rubrique.code in self._rubriques:
                raise ValueError(f"Rubrique déclarée deux fois : {rubrique.code}.")
            self._rubriques[rubrique.code] = rubrique

    def __iter__(self):
        return iter(self._rubriques.values())

    def __contains__(self, code):
        return code in self._rubriques

    def __getitem__(self, code):
        return self._rubriques[code]

    def label(self, code):
        """JRN-3: the French name of what a journal line records as `code` (a rubrique, the edition, Dialogue)."""
        if code in self._rubriques:
            return self._rubriques[code].label
        return {"edition": "Édition PDF", "dialogue": "Dialogue"}.get(code, code)

    def tabs(self):
        return [rubrique for rubrique in self if rubrique.tab]

    def check_grants(self, grants):
        """A profile's grants name only declared rubriques and fields (ValueError with a French message)."""
        if not isinstance(grants, dict):
            raise ValueError("Un dictionnaire rubrique → liste de champs est attendu.")
        for code, fields in grants.items():
            if code not in self:
                raise ValueError(f"Rubrique inconnue : {code}.")
            unknown = set(fields) - {field.code for field in self[code].fields}
            if unknown:
                raise ValueError(f"Champs inconnus dans {code} : {', '.join(sorted(unknown))}.")


CATALOGUE = Catalogue()
