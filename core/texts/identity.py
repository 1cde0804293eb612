"""Texts of identity: /link codes and account merges."""

TEXTS: dict[str, tuple[str, str]] = {
    "help.link": (
        "link your Telegram and Discord accounts",
        "relier vos comptes Telegram et Discord",
    ),
    "usage.link": ("/link [code]", "/link [code]"),
    "link.code": (
        "🔗 Your link code: <code>{code}</code>\n"
        "On your other platform (Telegram or Discord), send me: <code>/link {code}</code>\n"
        "It works once, for {minutes} minutes (until {deadline}). Asking again replaces it.",
        "🔗 Votre code de liaison : <code>{code}</code>\n"
        "Sur votre autre plateforme (Telegram ou Discord), envoyez-moi : <code>/link {code}</code>\n"
        "Il sert une seule fois, pendant {minutes} minutes (jusqu'au {deadline}). En demander un "
        "autre le remplace.",
    ),
    "link.code_warning": (
        "Never share it: whoever types it joins their account to yours.",
        "Ne le partagez jamais : qui le tape rattache son compte au vôtre.",
    ),
    "link.done": (
        "🔗 Linked! {accounts} are now one member: one pledge per wave (the larger kept), and your "
        "ideas, wants and follows together.",
        "🔗 C'est relié ! {accounts} ne forment plus qu'un membre : un engagement par vague (le plus "
        "grand est gardé), et vos idées, soutiens et suivis réunis.",
    ),
    "link.done_details": (
        "Carried over: pledges {pledges} (merged with yours: {folded}), wants {wants}, ideas "
        "{ideas}, follows {follows}.",
        "Reporté : engagements {pledges} (fusionnés avec les vôtres : {folded}), soutiens {wants}, "
        "idées {ideas}, suivis {follows}.",
    ),
    "link.owner_told": (
        "🔗 Your account was just linked with {account} ({name}). If it was not you, tell a "
        "moderator at once.",
        "🔗 Votre compte vient d'être relié à {account} ({name}). Si ce n'était pas vous, "
        "prévenez aussitôt un modérateur.",
    ),
    "error.link_private_only": (
        "For your safety, link accounts in a private chat with me: send /link there. A code "
        "typed here no longer works.",
        "Pour votre sécurité, reliez vos comptes en conversation privée avec moi : envoyez /link "
        "là-bas. Un code tapé ici ne fonctionne plus.",
    ),
    "error.link_bad_format": (
        "A link code has {length} letters and digits, like ABCD2345. Send /link without a code to "
        "get one.",
        "Un code de liaison compte {length} lettres et chiffres, comme ABCD2345. Envoyez /link sans "
        "code pour en obtenir un.",
    ),
    "error.link_unknown": (
        "This code does not exist. Check it and try again ({left} tries left this hour).",
        "Ce code n'existe pas. Vérifiez-le et réessayez (encore {left} essais cette heure-ci).",
    ),
    "error.link_used": (
        "This code was already used. Send /link on your other platform for a new one.",
        "Ce code a déjà servi. Envoyez /link sur votre autre plateforme pour en obtenir un nouveau.",
    ),
    "error.link_replaced": (
        "This code no longer works (a newer one replaced it, or it was voided). Send /link on your "
        "other platform for a new one.",
        "Ce code ne fonctionne plus (un plus récent l'a remplacé, ou il a été annulé). Envoyez "
        "/link sur votre autre plateforme pour en obtenir un nouveau.",
    ),
    "error.link_expired": (
        "This code has expired (codes last {minutes} minutes). Send /link on your other platform "
        "for a new one.",
        "Ce code a expiré (un code dure {minutes} minutes). Envoyez /link sur votre autre "
        "plateforme pour en obtenir un nouveau.",
    ),
    "error.link_own_code": (
        "This is your own code: type it on your other platform (Telegram or Discord), not here.",
        "C'est votre propre code : tapez-le sur votre autre plateforme (Telegram ou Discord), pas "
        "ici.",
    ),
    "error.link_already_linked": (
        "These accounts are already linked.",
        "Ces comptes sont déjà reliés.",
    ),
    "error.link_same_platform": (
        "Both accounts are on {platform}: only accounts on different platforms can be linked.",
        "Les deux comptes sont sur {platform} : seuls des comptes de plateformes différentes "
        "peuvent être reliés.",
    ),
    "error.link_locked": (
        "🔒 Too many wrong codes: linking is locked for this account. Try again in {wait}.",
        "🔒 Trop de codes erronés : la liaison est bloquée pour ce compte. Réessayez dans {wait}.",
    ),
    "error.link_code_limit": (
        "You asked for {max} codes in the last hour. Try again in {wait}.",
        "Vous avez demandé {max} codes dans l'heure. Réessayez dans {wait}.",
    ),
}
