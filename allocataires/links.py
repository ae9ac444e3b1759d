"""CONS-3: the caf.fr sections the menu offers, and the "Infos" pictogram (CONS-1)."""

CAF_LINKS = {
    "formulaires": ("Les formulaires", "https://www.caf.fr/allocataires/aides-et-demarches/formulaires"),
    "prestations": ("Toutes les prestations", "https://www.caf.fr/allocataires/aides-et-demarches"),
    "simulation": (
        "Simulation logement",
        "https://www.caf.fr/allocataires/mes-services-en-ligne/faire-une-simulation",
    ),
    "infos": ("Infos", "https://www.caf.fr/"),
}
