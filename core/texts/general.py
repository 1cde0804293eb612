"""Generic texts: errors, statuses, buttons, time."""

TEXTS: dict[str, tuple[str, str]] = {
    "plain": ("{text}", "{text}"),
    "lines": ("{lines}", "{lines}"),
    "error.internal": (
        "Sorry, something went wrong on our side. Nothing was changed; please try again.",
        "Désolé, un problème est survenu de notre côté. Rien n'a changé ; réessayez.",
    ),
    "error.unknown_command": (
        "I don't know /{name}. Send /help to see the commands.",
        "Je ne connais pas /{name}. Envoyez /help pour voir les commandes.",
    ),
    "error.usage_of": ("Usage: {usage}", "Utilisation : {usage}"),
    "error.usage": ("Usage: {usage}", "Utilisation : {usage}"),
    "error.too_long": (
        "That message is too long (at most {max} characters).",
        "Ce message est trop long ({max} caractères au plus).",
    ),
    "error.bad_id": (
        "“{value}” is not a valid {what} number. Use the number the bot shows, like 12 or #12.",
        "« {value} » n'est pas un numéro de {what} valide. Utilisez le numéro affiché, "
        "comme 12 ou #12.",
    ),
    "error.bad_price": (
        "“{value}” is not a price. Write it like 79, 79.50 or 79€.",
        "« {value} » n'est pas un prix. Écrivez-le comme 79, 79,50 ou 79€.",
    ),
    "error.bad_quantity": (
        "“{value}” is not a quantity: use a whole number from 1 to {max}.",
        "« {value} » n'est pas une quantité : utilisez un nombre entier de 1 à {max}.",
    ),
    "error.bad_duration": (
        "“{value}” is not a duration. Write it like 30m, 12h, 14d or 2w.",
        "« {value} » n'est pas une durée. Écrivez-la comme 30m, 12h, 14d ou 2w.",
    ),
    "error.bad_option": (
        "Unknown option “{value}”. Options: {allowed} (like min=50).",
        "Option inconnue « {value} ». Options : {allowed} (comme min=50).",
    ),
    "error.bad_option_value": (
        "Option {option} needs a whole number, not “{value}”.",
        "L'option {option} attend un nombre entier, pas « {value} ».",
    ),
    "error.option_positive": (
        "Option {option} must be at least 1.",
        "L'option {option} doit valoir au moins 1.",
    ),
    "error.bad_start": (
        "This link is not valid (“{value}”). Send /help to get started.",
        "Ce lien n'est pas valide (« {value} »). Envoyez /help pour commencer.",
    ),
    "error.bad_lang": (
        "Unknown language “{value}”. Choose one of: {langs}.",
        "Langue inconnue « {value} ». Choisissez parmi : {langs}.",
    ),
    "error.bad_category": (
        "“{value}” is not a category name (letters, digits, - and _, at most 32).",
        "« {value} » n'est pas un nom de catégorie (lettres, chiffres, - et _, 32 au plus).",
    ),
    "error.too_many_categories": (
        "At most {max} categories at once.",
        "{max} catégories au plus à la fois.",
    ),
    "error.stale_button": (
        "This button is out of date. Send the command again to get a fresh one.",
        "Ce bouton n'est plus à jour. Renvoyez la commande pour en obtenir un nouveau.",
    ),
    "error.not_moderator": (
        "Only moderators can do that.",
        "Seuls les modérateurs peuvent faire cela.",
    ),
    "error.not_owner": (
        "Only the bot's owners can do that.",
        "Seuls les propriétaires du bot peuvent faire cela.",
    ),
    "error.modchat_private": (
        "Send /modchat inside the group whose admins should moderate.",
        "Envoyez /modchat dans le groupe dont les administrateurs modéreront.",
    ),
    "error.not_subscribed": (
        "This chat was not subscribed.",
        "Ce salon n'était pas abonné.",
    ),
    "status.pending": ("waiting for moderation", "en attente de modération"),
    "status.approved": ("open for support", "ouverte au soutien"),
    "status.rejected": ("rejected", "refusée"),
    "status.merged": ("merged", "fusionnée"),
    "status.launched": ("launched as a wave", "lancée en vague"),
    "pledge_status.active": ("pledged", "engagé"),
    "pledge_status.withdrawn": ("withdrawn", "retiré"),
    "pledge_status.dropped": ("dropped out", "sorti"),
    "pledge_status.awaiting": ("to confirm", "à confirmer"),
    "pledge_status.confirmed": ("confirmed", "confirmé"),
    "pledge_status.abandoned": ("abandoned", "abandonné"),
    "order.top": ("most wanted", "les plus demandées"),
    "order.new": ("newest", "les plus récentes"),
    "button.join": ("✋ Join", "✋ Je participe"),
    "button.join_more": ("➕ 1 more", "➕ 1 de plus"),
    "button.leave": ("↩️ Leave", "↩️ Me retirer"),
    "button.want": ("👍 I want this", "👍 Je le veux"),
    "button.want_id": ("👍 #{id}", "👍 #{id}"),
    "button.open_private": ("💬 Open in private", "💬 Ouvrir en privé"),
    "button.approve": ("✅ Approve", "✅ Approuver"),
    "button.reject": ("❌ Reject", "❌ Refuser"),
    "button.merge": ("🔀 Merge", "🔀 Fusionner"),
    "button.prev": ("◀️ Previous", "◀️ Précédent"),
    "button.next": ("Next ▶️", "Suivant ▶️"),
    "button.notify_on": ("🔔 Milestones on", "🔔 Paliers activés"),
    "button.notify_off": ("🔕 Milestones off", "🔕 Paliers désactivés"),
    "time.days_hours": ("{days} d {hours} h", "{days} j {hours} h"),
    "time.hours_minutes": ("{hours} h {minutes} min", "{hours} h {minutes} min"),
    "time.minutes": ("{minutes} min", "{minutes} min"),
}
