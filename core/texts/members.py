"""Texts of members, chats, help and usage lines."""

TEXTS: dict[str, tuple[str, str]] = {
    "start.welcome": (
        "👋 Hi {name}! Here we invent products together and buy them together: "
        "the more we are, the less everyone pays.",
        "👋 Bonjour {name} ! Ici, on invente des produits ensemble et on les achète ensemble : "
        "plus on est nombreux, moins chacun paie.",
    ),
    "start.next": (
        "Try /waves for open waves, /ideas for ideas, or /idea <title> to propose one. /help lists everything.",
        "Essayez /waves pour les vagues ouvertes, /ideas pour les idées, ou /idea <titre> pour en "
        "proposer une. /help liste tout.",
    ),
    "help.header": ("<b>Commands</b>", "<b>Commandes</b>"),
    "help.header_mod": (
        "<b>Commands</b> (you are a moderator)",
        "<b>Commandes</b> (vous êtes modérateur)",
    ),
    "help.row": ("{usage} — {text}", "{usage} — {text}"),
    "mine.header": ("<b>Your pledges and ideas</b>", "<b>Vos engagements et idées</b>"),
    "mine.empty": (
        "You have no pledges or ideas yet. See /waves and /ideas.",
        "Vous n'avez encore ni engagement ni idée. Voir /waves et /ideas.",
    ),
    "mine.pledge": ("🌊 #{id} {title}: {qty} ({status})", "🌊 n°{id} {title} : {qty} ({status})"),
    "mine.pledge_confirm": (
        "💳 #{id} {title}: {qty} ({status}: /confirm {id})",
        "💳 n°{id} {title} : {qty} ({status} : /confirm {id})",
    ),
    "mine.idea": (
        "💡 #{id} {title}: 👍 {wants} ({status})",
        "💡 n°{id} {title} : 👍 {wants} ({status})",
    ),
    "settings.show": (
        "Language: {lang}. Private milestone messages: {notify}. Change with /lang en|fr and "
        "/settings notify on|off.",
        "Langue : {lang}. Messages privés de paliers : {notify}. Modifiez avec /lang en|fr et "
        "/settings notify on|off.",
    ),
    "settings.on": ("on", "activés"),
    "settings.off": ("off", "désactivés"),
    "settings.lang_set": ("Language set: {lang}.", "Langue choisie : {lang}."),
    "settings.notify_on": (
        "🔔 You will get milestone messages in private.",
        "🔔 Vous recevrez les messages de paliers en privé.",
    ),
    "settings.notify_off": (
        "🔕 No more milestone messages in private.",
        "🔕 Plus de messages de paliers en privé.",
    ),
    "sub.subscribed_all": (
        "📣 This chat will receive wave broadcasts for every category.",
        "📣 Ce salon recevra les annonces de vagues de toutes les catégories.",
    ),
    "sub.subscribed_some": (
        "📣 This chat will receive wave broadcasts for: {categories}.",
        "📣 Ce salon recevra les annonces de vagues pour : {categories}.",
    ),
    "error.bad_channel": (
        "“{value}” is not a channel name: use its public @username.",
        "« {value} » n'est pas un nom de canal : utilisez son @identifiant public.",
    ),
    "error.not_channel_admin": (
        "You must be an administrator of {channel} (and the bot must be able to post there).",
        "Vous devez administrer {channel} (et le bot doit pouvoir y publier).",
    ),
    "sub.unsubscribed": (
        "🔇 This chat no longer receives broadcasts.",
        "🔇 Ce salon ne reçoit plus d'annonces.",
    ),
    "param.wave": ("wave number (#N)", "numéro de vague (n°N)"),
    "param.idea": ("idea number (#N)", "numéro d'idée (n°N)"),
    "param.into": ("the idea to keep", "l'idée à conserver"),
    "param.qty": ("how many units (default 1)", "combien d'unités (1 par défaut)"),
    "param.max_price": (
        "only if the price falls to this (e.g. 79€)",
        "seulement si le prix descend à ce montant (ex. 79€)",
    ),
    "param.text": ("title; #tag for the category", "titre ; #tag pour la catégorie"),
    "param.order": ("new or top", "new ou top"),
    "param.reason": ("why (shown to the author)", "pourquoi (montré à l'auteur)"),
    "param.tiers": (
        "tiers and duration, e.g. 1:100 50:90 14d min=50",
        "paliers et durée, ex. 1:100 50:90 14d min=50",
    ),
    "param.duration": ("e.g. 3d, 12h", "ex. 3d, 12h"),
    "param.categories": ("categories, e.g. kitchen garden", "catégories, ex. cuisine jardin"),
    "param.lang": ("en or fr", "en ou fr"),
    "param.notify": ("notify on or notify off", "notify on ou notify off"),
    "usage.start": ("/start", "/start"),
    "usage.help": ("/help", "/help"),
    "usage.idea": (
        "/idea <title> (next lines: description, #tag: category)",
        "/idea <titre> (lignes suivantes : description, #tag : catégorie)",
    ),
    "usage.ideas": ("/ideas [new|top]", "/ideas [new|top]"),
    "usage.want": ("/want <idea> [max price]", "/want <idée> [prix max]"),
    "usage.unwant": ("/unwant <idea>", "/unwant <idée>"),
    "usage.waves": ("/waves", "/waves"),
    "usage.wave": ("/wave <wave>", "/wave <vague>"),
    "usage.join": ("/join <wave> [qty] [max price]", "/join <vague> [qté] [prix max]"),
    "usage.leave": ("/leave <wave>", "/leave <vague>"),
    "usage.mine": ("/mine", "/mine"),
    "usage.confirm": ("/confirm <wave>", "/confirm <vague>"),
    "usage.lang": ("/lang <en|fr>", "/lang <en|fr>"),
    "usage.settings": ("/settings [notify on|off]", "/settings [notify on|off]"),
    "usage.pending": ("/pending", "/pending"),
    "usage.approve": ("/approve <idea>", "/approve <idée>"),
    "usage.reject": ("/reject <idea> [reason]", "/reject <idée> [raison]"),
    "usage.merge": ("/merge <idea> <into>", "/merge <idée> <cible>"),
    "usage.launch": (
        "/launch <idea> <tiers> <duration> [min=N] [cap=N] [per=N], e.g. /launch 12 1:100 50:90 100:80 14d min=50",
        "/launch <idée> <paliers> <durée> [min=N] [cap=N] [per=N], ex. /launch 12 1:100 50:90 "
        "100:80 14d min=50",
    ),
    "usage.close": ("/close <wave>", "/close <vague>"),
    "usage.cancel": ("/cancel <wave> [reason]", "/cancel <vague> [raison]"),
    "usage.extend": ("/extend <wave> <duration>", "/extend <vague> <durée>"),
    "usage.follow": ("/follow <categories>", "/follow <catégories>"),
    "usage.unfollow": ("/unfollow <categories>", "/unfollow <catégories>"),
    "help.follow": (
        "private alerts when a wave opens in a category",
        "alertes privées quand une vague s'ouvre dans une catégorie",
    ),
    "help.unfollow": ("stop those alerts", "arrêter ces alertes"),
    "follow.on": (
        "🔔 You will be told in private when a wave opens in: {categories}.",
        "🔔 Vous serez prévenu en privé quand une vague s'ouvre dans : {categories}.",
    ),
    "follow.off": (
        "🔕 No more alerts for: {categories}.",
        "🔕 Plus d'alertes pour : {categories}.",
    ),
    "follow.none": ("You were not following: {categories}.", "Vous ne suiviez pas : {categories}."),
    "error.follow_what": (
        "Name at least one category, like /follow kitchen.",
        "Nommez au moins une catégorie, comme /follow cuisine.",
    ),
    "usage.subscribe": ("/subscribe [@channel] [categories]", "/subscribe [@canal] [catégories]"),
    "usage.unsubscribe": ("/unsubscribe [@channel]", "/unsubscribe [@canal]"),
    "usage.modchat": ("/modchat", "/modchat"),
    "help.start": ("welcome", "bienvenue"),
    "help.help": ("this list", "cette liste"),
    "help.idea": ("propose an idea", "proposer une idée"),
    "help.ideas": ("browse approved ideas", "parcourir les idées approuvées"),
    "help.want": ("support an idea", "soutenir une idée"),
    "help.unwant": ("withdraw your support", "retirer votre soutien"),
    "help.waves": ("open waves", "vagues ouvertes"),
    "help.wave": ("a wave's card", "la fiche d'une vague"),
    "help.join": (
        "pledge to a wave (pay only at the end)",
        "s'engager dans une vague (paiement à la fin)",
    ),
    "help.leave": ("withdraw while open", "se retirer tant qu'elle est ouverte"),
    "help.mine": ("your pledges and ideas", "vos engagements et idées"),
    "help.confirm": ("confirm after a successful close", "confirmer après une clôture réussie"),
    "help.lang": ("language", "langue"),
    "help.settings": ("notifications", "notifications"),
    "help.pending": ("moderation queue", "file de modération"),
    "help.approve": ("publish an idea", "publier une idée"),
    "help.reject": ("turn an idea down", "refuser une idée"),
    "help.merge": (
        "merge a duplicate, votes carried over",
        "fusionner un doublon, soutiens reportés",
    ),
    "help.launch": ("open a wave", "ouvrir une vague"),
    "help.close": ("close now", "clôturer maintenant"),
    "help.cancel": ("cancel a wave", "annuler une vague"),
    "help.extend": ("push the deadline back", "repousser la clôture"),
    "help.subscribe": ("this chat receives broadcasts", "ce salon reçoit les annonces"),
    "help.unsubscribe": ("stop broadcasts here", "arrêter les annonces ici"),
    "help.modchat": (
        "make this group's admins moderators",
        "rendre les admins de ce groupe modérateurs",
    ),
    "demo.crowd_start": (
        "👥 A simulated crowd of {size} starts joining wave #{id}…",
        "👥 Une foule simulée de {size} personnes rejoint la vague n°{id}…",
    ),
    "demo.crowd_done": (
        "👥 {joined} simulated members joined wave #{id}.",
        "👥 {joined} membres simulés ont rejoint la vague n°{id}.",
    ),
    "demo.intro": (
        "You are the owner of this demo community. Try:\n"
        "  /idea Bamboo toothbrush #bathroom\n  /approve 1\n"
        "  /launch 1 1:100 50:90 100:80 200:70 14d min=50\n  /join 1\n"
        "Type /help for everything, /quit to leave.",
        "Vous êtes propriétaire de cette communauté de démonstration. Essayez :\n"
        "  /idea Brosse à dents en bambou #salle-de-bain\n  /approve 1\n"
        "  /launch 1 1:100 50:90 100:80 200:70 14d min=50\n  /join 1\n"
        "Tapez /help pour tout voir, /quit pour quitter.",
    ),
    "cli.no_token": (
        "No bot token is set. Set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN (and WAVEBOT_OWNERS, "
        "e.g. telegram:123456789) in the environment or in wavebot.toml, then run `wavebot run` "
        "again. To try wavebot right now in your terminal, run `wavebot demo --crowd 250`.",
        "Aucun jeton de bot n'est défini. Définissez TELEGRAM_BOT_TOKEN et/ou DISCORD_BOT_TOKEN "
        "(et WAVEBOT_OWNERS, ex. telegram:123456789) dans l'environnement ou dans wavebot.toml, "
        "puis relancez `wavebot run`. Pour essayer tout de suite dans le terminal : "
        "`wavebot demo --crowd 250`.",
    ),
}
