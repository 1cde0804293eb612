"""Texts of waves, pledges and announcements."""

TEXTS: dict[str, tuple[str, str]] = {
    "wave.card_title": (
        "🌊 <b>Wave #{id}: {title}</b> · #{category}",
        "🌊 <b>Vague n°{id} : {title}</b> · #{category}",
    ),
    "wave.card_price": (
        "Price now: <b>{price}</b> each, the same for all {people} participants",
        "Prix actuel : <b>{price}</b> l'unité, le même pour les {people} participants",
    ),
    "wave.card_price_first": (
        "Price now: <b>{price}</b> each. Be the first to join!",
        "Prix actuel : <b>{price}</b> l'unité. Soyez le premier à participer !",
    ),
    "wave.progress": ("{bar} {units}/{goal}", "{bar} {units}/{goal}"),
    "wave.gap_next": (
        "{more} more and everyone pays {price}",
        "Encore {more} et tout le monde paie {price}",
    ),
    "wave.gap_lowest": (
        "Lowest price reached: everyone pays {price}",
        "Prix le plus bas atteint : tout le monde paie {price}",
    ),
    "wave.card_tiers": ("<b>Tiers</b>\n{table}", "<b>Paliers</b>\n{table}"),
    "wave.tier_row": ("   from {units}: {price}", "   dès {units} : {price}"),
    "wave.tier_row_current": ("👉 from {units}: {price}", "👉 dès {units} : {price}"),
    "wave.moq_reached": (
        "✅ Minimum of {moq} reached: it will happen!",
        "✅ Minimum de {moq} atteint : ça se fera !",
    ),
    "wave.moq_missing": (
        "Needs {moq} to happen ({more} to go); you pay only at the end.",
        "Il faut {moq} pour que ça se fasse (encore {more}) ; vous ne payez qu'à la fin.",
    ),
    "wave.closes": ("⏳ Closes {deadline} (in {left})", "⏳ Clôture le {deadline} (dans {left})"),
    "wave.opens": ("Opens {when}", "Ouverture le {when}"),
    "wave.result_success": (
        "🏁 Closed: {units} units at {price} each. Participants, please /confirm.",
        "🏁 Clôturée : {units} unités à {price} l'unité. Participants, merci de /confirm.",
    ),
    "wave.status_failed": (
        "🏁 Closed without reaching its minimum.",
        "🏁 Clôturée sans atteindre son minimum.",
    ),
    "wave.status_cancelled": ("🚫 Cancelled.", "🚫 Annulée."),
    "wave.status_closed": ("🏁 Closed.", "🏁 Clôturée."),
    "wave.status_completed": ("🏁 Completed.", "🏁 Terminée."),
    "wave.status_succeeded": ("🏁 Succeeded.", "🏁 Réussie."),
    "wave.list_header": ("🌊 Open waves ({count}):", "🌊 Vagues ouvertes ({count}) :"),
    "wave.list_row": (
        "#{id} {title}: {units} in, {price} now. {gap}. Closes in {left}.",
        "n°{id} {title} : {units} inscrits, {price} actuellement. {gap}. Clôture dans {left}.",
    ),
    "wave.none": ("No wave is open right now.", "Aucune vague n'est ouverte pour le moment."),
    "pledge.joined": (
        "✋ You're in wave #{id} “{title}” for {qty}. You pay only at the end.",
        "✋ Vous participez à la vague n°{id} « {title} » pour {qty}. Vous ne payez qu'à la fin.",
    ),
    "pledge.changed": (
        "✋ Your pledge to wave #{id} “{title}” is now {qty}.",
        "✋ Votre engagement dans la vague n°{id} « {title} » est maintenant de {qty}.",
    ),
    "pledge.now": (
        "Now {units} in, everyone pays {price}.",
        "Désormais {units} inscrits, tout le monde paie {price}.",
    ),
    "pledge.left": (
        "↩️ You left wave #{id} “{title}”.",
        "↩️ Vous avez quitté la vague n°{id} « {title} ».",
    ),
    "pledge.confirmed": (
        "💳 Confirmed: wave #{id} “{title}” at {price} each. Thank you!",
        "💳 Confirmé : vague n°{id} « {title} » à {price} l'unité. Merci !",
    ),
    "error.wave_not_found": ("There is no wave #{id}.", "Il n'y a pas de vague n°{id}."),
    "error.wave_not_open": (
        "Wave #{id} is not open (it is {status}).",
        "La vague n°{id} n'est pas ouverte (état : {status}).",
    ),
    "error.wave_deadline_passed": (
        "Wave #{id} has just closed.",
        "La vague n°{id} vient de se clôturer.",
    ),
    "error.quantity_one": (
        "In this wave each member pledges exactly 1 unit.",
        "Dans cette vague, chaque membre s'engage pour exactement 1 unité.",
    ),
    "error.quantity_range": (
        "You can pledge from 1 to {max} units in this wave.",
        "Vous pouvez vous engager pour 1 à {max} unités dans cette vague.",
    ),
    "error.max_below_best": (
        "Your maximum is below the best possible price ({best}); it could never apply.",
        "Votre maximum est sous le meilleur prix possible ({best}) ; il ne pourrait jamais "
        "s'appliquer.",
    ),
    "error.wave_full": (
        "This wave is full ({left} units left).",
        "Cette vague est complète (reste {left} unités).",
    ),
    "error.no_pledge": (
        "You have no pledge in wave #{id}.",
        "Vous n'êtes pas engagé dans la vague n°{id}.",
    ),
    "error.nothing_to_confirm": (
        "Nothing to confirm in wave #{id}.",
        "Rien à confirmer dans la vague n°{id}.",
    ),
    "error.tiers_empty": (
        "Give at least one tier, like 1:100.",
        "Donnez au moins un palier, comme 1:100.",
    ),
    "error.tiers_too_many": ("At most {max} tiers.", "{max} paliers au plus."),
    "error.tiers_first": (
        "The first tier must start at 1 unit (like 1:100), not {first}.",
        "Le premier palier doit commencer à 1 unité (comme 1:100), pas {first}.",
    ),
    "error.tiers_units_order": (
        "Tier units must increase: {units} comes after a larger or equal count.",
        "Les unités des paliers doivent croître : {units} suit un nombre plus grand ou égal.",
    ),
    "error.tiers_price_order": (
        "Prices must fall as tiers grow: the tier from {units} is not cheaper.",
        "Les prix doivent baisser avec les paliers : le palier dès {units} n'est pas moins cher.",
    ),
    "error.bad_tier": (
        "“{value}” is not a tier. Write units:price, like 50:90.",
        "« {value} » n'est pas un palier. Écrivez unités:prix, comme 50:90.",
    ),
    "error.duration_range": (
        "A wave lasts from 1 minute to {max_days} days.",
        "Une vague dure de 1 minute à {max_days} jours.",
    ),
    "error.capacity_small": (
        "The capacity must be at least the minimum and the per-member limit.",
        "La capacité doit être au moins égale au minimum et à la limite par membre.",
    ),
    "mod.launched": (
        "🚀 Wave #{id} “{title}” is open; it happens from {moq} units.",
        "🚀 La vague n°{id} « {title} » est ouverte ; elle se fait dès {moq} unités.",
    ),
    "mod.closed_success": (
        "🏁 Wave #{id} closed: {units} units at {price}. Participants are asked to confirm.",
        "🏁 Vague n°{id} clôturée : {units} unités à {price}. Les participants doivent confirmer.",
    ),
    "mod.closed_failed": (
        "🏁 Wave #{id} closed with {units} units, below its minimum of {moq}.",
        "🏁 Vague n°{id} clôturée avec {units} unités, sous son minimum de {moq}.",
    ),
    "mod.cancelled": (
        "🚫 Wave #{id} “{title}” is cancelled.",
        "🚫 La vague n°{id} « {title} » est annulée.",
    ),
    "mod.extended": (
        "⏳ Wave #{id} now closes {deadline}.",
        "⏳ La vague n°{id} se clôture désormais le {deadline}.",
    ),
    "announce.milestone": (
        "🎉 Already <b>{count}</b> in wave #{id} “{title}”! Everyone pays {price} now.",
        "🎉 Déjà <b>{count}</b> dans la vague n°{id} « {title} » ! Tout le monde paie {price}.",
    ),
    "announce.tier": (
        "📉 New tier: the price drops to <b>{price}</b> for everyone.",
        "📉 Nouveau palier : le prix baisse à <b>{price}</b> pour tout le monde.",
    ),
    "announce.moq": (
        "✅ The minimum of {moq} is reached: it will happen!",
        "✅ Le minimum de {moq} est atteint : ça se fera !",
    ),
    "announce.opened": (
        "🌊 New wave #{id} “{title}” (#{category}) is open!",
        "🌊 Nouvelle vague n°{id} « {title} » (#{category}) ouverte !",
    ),
    "announce.closed_success": (
        "🏁 Wave #{id} “{title}” succeeded: {units} units, everyone pays <b>{price}</b>.",
        "🏁 La vague n°{id} « {title} » a réussi : {units} unités, tout le monde paie <b>{price}</b>.",
    ),
    "announce.confirm_hint": (
        "Participants: confirm with /confirm {id}.",
        "Participants : confirmez avec /confirm {id}.",
    ),
    "announce.closed_failed": (
        "🏁 Wave #{id} “{title}” closed with {units} of the {moq} needed. Nobody pays.",
        "🏁 La vague n°{id} « {title} » s'est clôturée avec {units} sur les {moq} requis. "
        "Personne ne paie.",
    ),
    "announce.reminder": (
        "⏰ Last 24 hours for wave #{id} “{title}”: {units} in, everyone pays {price}.",
        "⏰ Dernières 24 heures pour la vague n°{id} « {title} » : {units} inscrits, tout le "
        "monde paie {price}.",
    ),
    "digest.header": (
        "📰 <b>wavebot digest</b> since {since}",
        "📰 <b>Résumé wavebot</b> depuis le {since}",
    ),
    "digest.ideas": ("<b>New ideas</b>\n{lines}", "<b>Nouvelles idées</b>\n{lines}"),
    "digest.waves": ("<b>Open waves</b>\n{lines}", "<b>Vagues ouvertes</b>\n{lines}"),
    "digest.results": ("<b>Results</b>\n{lines}", "<b>Résultats</b>\n{lines}"),
    "digest.result_row": ("#{id} {title}: {status}", "n°{id} {title} : {status}"),
    "digest.quiet": (
        "A quiet fortnight: propose an idea with /idea!",
        "Une quinzaine calme : proposez une idée avec /idea !",
    ),
    "announce.cancelled": (
        "🚫 Wave #{id} “{title}” was cancelled ({reason}). Nobody pays.",
        "🚫 La vague n°{id} « {title} » a été annulée ({reason}). Personne ne paie.",
    ),
}
