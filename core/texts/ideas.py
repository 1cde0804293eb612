"""Texts of ideas and their moderation."""

TEXTS: dict[str, tuple[str, str]] = {
    "idea.proposed": (
        "💡 Idea #{id} “<b>{title}</b>” (#{category}) is waiting for a moderator. "
        "You will see it in /ideas once approved.",
        "💡 L'idée n°{id} « <b>{title}</b> » (#{category}) attend un modérateur. "
        "Elle apparaîtra dans /ideas une fois approuvée.",
    ),
    "idea.card_title": (
        "💡 <b>#{id} {title}</b> · #{category}",
        "💡 <b>n°{id} {title}</b> · #{category}",
    ),
    "idea.card_wants": ("👍 {wants} want it · {status}", "👍 {wants} le veulent · {status}"),
    "idea.card_median": (
        "Median price people would pay: {price} ({count} answers)",
        "Prix médian que les gens paieraient : {price} ({count} réponses)",
    ),
    "idea.list_header": (
        "💡 Ideas, {order} (page {page}/{pages})",
        "💡 Idées, {order} (page {page}/{pages})",
    ),
    "idea.list_row": (
        "#{id} {title} · #{category} · 👍 {wants}",
        "n°{id} {title} · #{category} · 👍 {wants}",
    ),
    "idea.none": (
        "No approved ideas yet. Propose one with /idea <title>.",
        "Aucune idée approuvée pour l'instant. Proposez-en une avec /idea <titre>.",
    ),
    "idea.wanted": (
        "👍 Noted: you want #{id} “{title}” ({wants} people so far).",
        "👍 C'est noté : vous voulez n°{id} « {title} » ({wants} personnes pour l'instant).",
    ),
    "idea.wanted_price": (
        "👍 Noted: you want #{id} “{title}” at up to {price} ({wants} people so far).",
        "👍 C'est noté : vous voulez n°{id} « {title} » jusqu'à {price} ({wants} personnes).",
    ),
    "idea.want_updated": (
        "You already wanted #{id} “{title}”; your answer is updated ({wants} people).",
        "Vous vouliez déjà n°{id} « {title} » ; votre réponse est mise à jour ({wants} personnes).",
    ),
    "idea.want_updated_price": (
        "You already wanted #{id} “{title}”; now at up to {price} ({wants} people).",
        "Vous vouliez déjà n°{id} « {title} » ; désormais jusqu'à {price} ({wants} personnes).",
    ),
    "idea.unwanted": ("You no longer want idea #{id}.", "Vous ne voulez plus l'idée n°{id}."),
    "error.idea_no_title": (
        "Give your idea a title: /idea <title> (next lines: description, #tag: category).",
        "Donnez un titre à votre idée : /idea <titre> (lignes suivantes : description, "
        "#tag : catégorie).",
    ),
    "error.idea_title_long": (
        "The title has {length} characters; keep it to {max} and put details on the next lines.",
        "Le titre fait {length} caractères ; limitez-le à {max} et mettez les détails "
        "sur les lignes suivantes.",
    ),
    "error.idea_description_long": (
        "The description is too long (at most {max} characters).",
        "La description est trop longue ({max} caractères au plus).",
    ),
    "error.too_many_pending": (
        "You already have {max} ideas waiting for moderation; wait until they are reviewed.",
        "Vous avez déjà {max} idées en attente de modération ; attendez leur examen.",
    ),
    "error.idea_not_found": ("There is no idea #{id}.", "Il n'y a pas d'idée n°{id}."),
    "error.idea_merged": (
        "Idea #{id} was merged into #{into}: support #{into} instead.",
        "L'idée n°{id} a été fusionnée dans n°{into} : soutenez plutôt n°{into}.",
    ),
    "error.idea_not_open": (
        "Idea #{id} is not open for support (it must be approved and not yet launched).",
        "L'idée n°{id} n'est pas ouverte au soutien (elle doit être approuvée et pas encore "
        "lancée).",
    ),
    "error.idea_state": (
        "Idea #{id} is {status}; that action does not apply.",
        "L'idée n°{id} est à l'état {status} ; cette action ne s'applique pas.",
    ),
    "error.idea_not_launchable": (
        "Idea #{id} is {status}: only an approved idea can be launched.",
        "L'idée n°{id} est à l'état {status} : seule une idée approuvée peut être lancée.",
    ),
    "error.no_want": ("You did not want idea #{id}.", "Vous ne vouliez pas l'idée n°{id}."),
    "error.merge_self": (
        "An idea cannot be merged into itself.",
        "Une idée ne peut pas être fusionnée avec elle-même.",
    ),
    "mod.queue_empty": ("Nothing waits for moderation. 🎉", "Rien n'attend de modération. 🎉"),
    "mod.queue_header": (
        "🛡 {count} ideas wait for moderation:",
        "🛡 {count} idées attendent une modération :",
    ),
    "mod.approved": (
        "✅ Idea #{id} “{title}” is approved.",
        "✅ L'idée n°{id} « {title} » est approuvée.",
    ),
    "mod.rejected": (
        "❌ Idea #{id} “{title}” is rejected ({reason}).",
        "❌ L'idée n°{id} « {title} » est refusée ({reason}).",
    ),
    "mod.merged": (
        "🔀 Idea #{id} is merged into #{into} “{title}”; {moved} supporters carried over.",
        "🔀 L'idée n°{id} est fusionnée dans n°{into} « {title} » ; {moved} soutiens reportés.",
    ),
    "mod.merge_how": (
        "To merge #{id}, send /merge {id} <target idea number>.",
        "Pour fusionner n°{id}, envoyez /merge {id} <numéro de l'idée cible>.",
    ),
    "mod.modchat_added": (
        "🛡 This chat's administrators are now moderators of wavebot.",
        "🛡 Les administrateurs de ce groupe sont désormais modérateurs de wavebot.",
    ),
    "mod.modchat_known": (
        "This chat was already a moderation chat.",
        "Ce groupe était déjà un groupe de modération.",
    ),
}
