"""CONS-3: the caf.fr sections the menu offers, and the "Infos" pictogram (CONS-1)."""

CAF_LINKS = {
    "formulaires": ("Les formulaires", "https://www.caf.fr/allocataires/aides-et-demarches/formulaires"),
    "prestations": ("Toutes les prestations", "https://www.caf.fr/allocataires/aides-et-demarches"),
    "simulation": (
        "Simulation logement",
        "https://www.caf.fr/allocataires/mes-services-en-ligne/faire-une-simulation",
    ),
    # The manual's « Infos pratiques » rubrique of caf.fr; today's caf.fr has none: its partners' space holds that
    # information (README « Différences avec CAFPRO V5 »).
    "infos": ("Infos", "https://www.caf.fr/partenaires"),
}
