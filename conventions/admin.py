from django.contrib import admin

from conventions.models import Baj, Caf, CafContact, Departement, PostalCodeRule


class CafContactInline(admin.TabularInline):
    model = CafContact
    extra = 0


@admin.register(Caf)
class CafAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "city", "departement", "is_maritime"]
    list_filter = ["is_maritime", "departement"]
    search_fields = ["number", "name", "city"]
    inlines = [CafContactInline]


@admin.register(Baj)
class BajAdmin(admin.ModelAdmin):
    list_display = ["__str__", "departement", "juridiction"]
    list_filter = ["juridiction", "departement"]
    search_fields = ["city"]
    filter_horizontal = ["cafs"]


@admin.register(PostalCodeRule)
class PostalCodeRuleAdmin(admin.ModelAdmin):
    list_display = ["prefix", "caf"]
    search_fields = ["prefix", "caf__number", "caf__name"]
    list_select_related = ["caf"]


admin.site.register(Departement, search_fields=["code", "name"])
