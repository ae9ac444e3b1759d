import re

from django import forms

from allocataires.enums import PaymentPeriodMode
from allocataires.models import MESSAGE_MAX_LENGTH
from allocataires.periods import PeriodError, parse_request_date
from allocataires.scope import Purpose
from conventions.models import PostalCodeRule
from journal.enums import LegalAidProcedure

NOT_FOUND = "Dossier introuvable. Vérifiez le numéro d'allocataire."
NUMBER_FORMAT = "Le numéro d'allocataire comporte 7 chiffres."


def allocataire_number(value, required=True):
    """CONS-15: an allocataire number as typed — 7 digits, spaces tolerated — or a French error."""
    number = re.sub(r"\s", "", value)
    if (number or required) and not re.fullmatch(r"[0-9]{7}", number):
        raise forms.ValidationError(NUMBER_FORMAT, code="number_format")
    return number


OUTSIDE_ACCESS = "Ce code postal ne relève d'aucune Caf de votre accès."
LEGAL_AID_FILE = re.compile(r"[A-Za-z0-9/.\-]{1,30}")


class SearchForm(forms.Form):
    """CONS-2, CONS-15, REF-3, PUR-1: local access types the allocataire number; multi-CAF access also types
    the postal code, or ticks the CMAF box (never both). Every search states the legal-aid file it instructs:
    the BAJ's file number and the procedure. The CAF to search is decided here (among the CAFs of the user's
    access only); whether the dossier exists and is in scope is the view's question."""

    number = forms.CharField(
        label="N° d'allocataire",
        max_length=20,
        error_messages={
            "required": "Saisissez le numéro d'allocataire.",
            "max_length": NUMBER_FORMAT,
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    postal_code = forms.CharField(
        label="Code postal",
        required=False,
        max_length=10,
        error_messages={"max_length": "Le code postal comporte 5 chiffres."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    cmaf = forms.BooleanField(label="Dossier de la Caisse maritime (CMAF)", required=False)
    caf = forms.CharField(label="Caf de l'allocataire", required=False, max_length=3)
    legal_aid_file = forms.CharField(
        label="N° du dossier d'aide juridictionnelle",
        max_length=30,
        error_messages={
            "required": "Saisissez le numéro du dossier d'aide juridictionnelle du BAJ.",
            "max_length": "Le numéro du dossier d'aide juridictionnelle comporte au plus 30 caractères.",
        },
    )
    procedure = forms.ChoiceField(
        label="Procédure d'aide juridictionnelle concernée",
        choices=LegalAidProcedure.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la procédure : demande, nouvelle délibération ou retrait.",
            "invalid_choice": "Choisissez la procédure : demande, nouvelle délibération ou retrait.",
        },
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        self.caf_choices = []  # filled when a postal code may belong to several CAFs
        self.target = None
        self.outside_access = ""  # a postal code of a CAF the user's access does not reach

    def clean_legal_aid_file(self):
        """PUR-1: 1 to 30 letters, digits, « / », « - » or « . », as the BAJ numbers its files."""
        value = self.cleaned_data["legal_aid_file"].strip()
        if not LEGAL_AID_FILE.fullmatch(value):
            raise forms.ValidationError(
                "Le numéro du dossier d'aide juridictionnelle comporte de 1 à 30 lettres, chiffres, « / », « - » "
                "ou « . ».",
                code="legal_aid_file",
            )
        return value

    def purpose(self):
        return Purpose(self.cleaned_data["legal_aid_file"], self.cleaned_data["procedure"])

    def clean_number(self):
        return allocataire_number(self.cleaned_data["number"])

    def clean_postal_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["postal_code"])
        if code and not re.fullmatch(r"[0-9]{5}", code):
            raise forms.ValidationError("Le code postal comporte 5 chiffres.", code="postal_format")
        return code

    def clean(self):
        data = super().clean()
        if self.access.local:
            self.target = self.access.cafs[0]
            return data
        code, cmaf = data.get("postal_code"), data.get("cmaf")
        if "postal_code" in self.errors:
            return data
        if code and cmaf:
            raise forms.ValidationError(
                "Saisissez soit le code postal, soit la case CMAF, mais pas les deux.", code="both"
            )
        if cmaf:
            self.target = self.access.cmaf  # None when the user has no convention with the CMAF: not found
            return data
        if not code:
            self.add_error("postal_code", "Saisissez le code postal de l'allocataire, ou cochez la case CMAF.")
            return data
        routed = PostalCodeRule.objects.route(code)
        if not routed:
            self.add_error("postal_code", f"Le code postal {code} ne correspond à aucune Caf.")
            return data
        reachable = {caf.pk for caf in self.access.cafs}
        candidates = [caf for caf in routed if caf.pk in reachable]
        if not candidates:
            self.outside_access = code
            if not self._refuse_suspended(routed):
                self.add_error("postal_code", OUTSIDE_ACCESS)
            return data
        if len(candidates) > 1:
            chosen = next((caf for caf in candidates if caf.number == data.get("caf")), None)
            if chosen is None:
                self.caf_choices = candidates
                self.add_error("caf", "Plusieurs Caf couvrent ce code postal : choisissez celle de l'allocataire.")
                return data
            candidates = [chosen]
        self.target = candidates[0]
        return data

    def _refuse_suspended(self, cafs):
        """BO-9: a multi-CAF greffier whose access to one of `cafs` is suspended is told so (the CAF's own act), or
        that it waits for that CAF to confirm their new credentials (ROLE-7)."""
        caf = self.access.suspended_among(cafs)
        if caf is not None:
            self.add_error(
                "postal_code",
                f"Votre accès à la {caf.name} est suspendu : adressez-vous à cette Caf pour le rétablir.",
            )
            return True
        caf = self.access.awaiting_among(cafs)  # ROLE-7: credentials another CAF issued, not confirmed by this one
        if caf is not None:
            self.add_error("postal_code", awaiting_message(caf))
        return caf is not None


def awaiting_message(caf):
    """ROLE-7, BO-9: what a greffier reads of a CAF that has not confirmed the credentials another CAF issued."""
    return (
        f"Votre accès à la {caf.name} attend qu'elle confirme vos nouveaux identifiants (délivrés par une autre Caf) "
        ": adressez-vous à cette Caf."
    )


class PaymentPeriodForm(forms.Form):
    """CONS-8: the date of the legal-aid request (JJMMAAAA) and the period wanted."""

    date = forms.CharField(
        label="Date de la demande d'aide juridictionnelle (format JJMMAAAA)",
        max_length=12,
        error_messages={"required": "Saisissez la date de la demande d'aide juridictionnelle (JJMMAAAA)."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "JJMMAAAA"}),
    )
    mode = forms.ChoiceField(
        label="Vous souhaitez consulter",
        choices=PaymentPeriodMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la période à consulter.",
            "invalid_choice": "Choisissez la période à consulter.",
        },
    )

    def clean_date(self):
        try:
            return parse_request_date(self.cleaned_data["date"])
        except PeriodError as error:
            raise forms.ValidationError(str(error), code="date") from None


class DialogueForm(forms.Form):
    """DIA-2: the form of the Dialogue rubrique, as the manual shows it."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    organisation = forms.CharField(
        label="Le nom de votre organisme",
        max_length=150,
        error_messages={"required": "Indiquez le nom de votre organisme."},
    )
    name = forms.CharField(
        label="Vos nom et prénom", max_length=150, error_messages={"required": "Indiquez vos nom et prénom."}
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse électronique : la Caf vous répondra à cette adresse.",
            "invalid": "Cette adresse électronique n'est pas valide : vérifiez-la.",
        },
    )
    allocataire_number = forms.CharField(
        label="Numéro d'allocataire concerné (facultatif)",
        required=False,
        max_length=20,
        error_messages={"max_length": NUMBER_FORMAT},
    )
    body = forms.CharField(
        label="Votre message",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={
            "required": "Écrivez votre message.",
            "max_length": "Le message est limité à %(limit_value)d caractères (il en compte %(show_value)d).",
        },
    )

    def clean_allocataire_number(self):
        return allocataire_number(self.cleaned_data["allocataire_number"], required=False)

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Écrivez votre message.", code="required")
        return body
