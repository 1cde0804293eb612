"""Texts of stats: the funnel, categories, charts, demand curves and the supplier's export."""

TEXTS: dict[str, tuple[str, str]] = {
    "usage.stats": ("/stats [wave | idea <idea>]", "/stats [vague | idea <idée>]"),
    "help.stats": (
        "funnel and categories; a wave's chart; an idea's demand curve",
        "entonnoir et catégories ; la courbe d'une vague ; la demande d'une idée",
    ),
    "usage.export": ("/export <wave>", "/export <vague>"),
    "help.export": ("CSV of a wave for the supplier", "CSV d'une vague pour le fournisseur"),
    "stats.percent": ("{value}%", "{value} %"),
    "stats.na": ("—", "—"),
    "stats.funnel_header": ("📊 <b>Funnel</b>", "📊 <b>Entonnoir</b>"),
    "stats.funnel_proposed": ("💡 Ideas proposed: {count}", "💡 Idées proposées : {count}"),
    "stats.funnel_approved": ("✅ Approved: {count} ({rate})", "✅ Approuvées : {count} ({rate})"),
    "stats.funnel_launched": (
        "🚀 Launched as waves: {count} ({rate})",
        "🚀 Lancées en vagues : {count} ({rate})",
    ),
    "stats.funnel_succeeded": (
        "🎉 Waves succeeded: {count} ({rate})",
        "🎉 Vagues réussies : {count} ({rate})",
    ),
    "stats.funnel_completed": ("🏁 Completed: {count} ({rate})", "🏁 Terminées : {count} ({rate})"),
    "stats.categories_header": ("<b>By category</b>", "<b>Par catégorie</b>"),
    "stats.category_row": (
        "#{category}: {waves} waves · success {success} ({succeeded}/{decided}) · "
        "abandonment {abandonment} ({abandoned}/{settled})",
        "#{category} : {waves} vagues · réussite {success} ({succeeded}/{decided}) · "
        "abandon {abandonment} ({abandoned}/{settled})",
    ),
    "stats.no_waves": ("No wave yet.", "Aucune vague pour l'instant."),
    "stats.wave_summary": (
        "📈 Wave #{id} “{title}”: {units} units from {people} people, {events} pledge changes.",
        "📈 Vague n°{id} « {title} » : {units} unités de {people} personnes, "
        "{events} changements d'engagement.",
    ),
    "stats.no_charts": (
        "Charts are not available on this bot.",
        "Les graphiques ne sont pas disponibles sur ce bot.",
    ),
    "stats.chart_units_title": ("Wave #{id}: {title}", "Vague n°{id} : {title}"),
    "stats.axis_time": ("time (UTC)", "heure (UTC)"),
    "stats.axis_units": ("units pledged", "unités engagées"),
    "stats.chart_tier": ("{price}", "{price}"),
    "stats.chart_moq": ("minimum {moq}", "minimum {moq}"),
    "stats.demand_header": (
        "📉 Demand for idea #{id} “{title}”: {wants} supporters, {unlimited} without a price "
        "limit.",
        "📉 Demande pour l'idée n°{id} « {title} » : {wants} soutiens, dont {unlimited} sans "
        "limite de prix.",
    ),
    "stats.demand_row": (
        "at {price}: {buyers} would buy ({revenue})",
        "à {price} : {buyers} achèteraient ({revenue})",
    ),
    "stats.demand_best": (
        "👉 Most revenue at {price}: {buyers} buyers, {revenue}.",
        "👉 Meilleur chiffre d'affaires à {price} : {buyers} acheteurs, {revenue}.",
    ),
    "stats.demand_none": (
        "Nobody stated a max price for idea #{id} yet (/want {id} followed by a price).",
        "Personne n'a encore donné de prix max pour l'idée n°{id} (/want {id} suivi d'un prix).",
    ),
    "stats.chart_demand_title": (
        "Demand for idea #{id}: {title}",
        "Demande pour l'idée n°{id} : {title}",
    ),
    "stats.axis_price": ("max unit price ({currency})", "prix unitaire max ({currency})"),
    "stats.axis_buyers": ("would buy", "achèteraient"),
    "stats.exported": (
        "📄 Wave #{id} “{title}” for the supplier: {rows} pledges.",
        "📄 Vague n°{id} « {title} » pour le fournisseur : {rows} engagements.",
    ),
    "stats.csv_wave": ("Wave", "Vague"),
    "stats.csv_title": ("Product", "Produit"),
    "stats.csv_status": ("Status", "État"),
    "stats.csv_currency": ("Currency", "Devise"),
    "stats.csv_final_price": ("Final unit price", "Prix unitaire final"),
    "stats.csv_final_units": ("Final units", "Unités finales"),
    "stats.csv_pledgers": ("Pledges", "Engagements"),
    "stats.csv_confirmed_units": ("Confirmed units", "Unités confirmées"),
    "stats.csv_confirmed_total": ("Confirmed total", "Total confirmé"),
    "stats.csv_col_member": ("Member", "Membre"),
    "stats.csv_col_quantity": ("Quantity", "Quantité"),
    "stats.csv_col_max_price": ("Max unit price", "Prix unitaire max"),
    "stats.csv_col_status": ("Status", "État"),
    "stats.csv_col_pledged_at": ("Pledged at (UTC)", "Engagé le (UTC)"),
    "stats.wave_status.scheduled": ("scheduled", "programmée"),
    "stats.wave_status.open": ("open", "ouverte"),
    "stats.wave_status.closed": ("closed", "clôturée"),
    "stats.wave_status.succeeded": ("succeeded", "réussie"),
    "stats.wave_status.completed": ("completed", "terminée"),
    "stats.wave_status.failed": ("failed", "échouée"),
    "stats.wave_status.cancelled": ("cancelled", "annulée"),
}
