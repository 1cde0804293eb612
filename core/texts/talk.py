"""Texts of talk: questions, answers, reviews, the helpers' opt-in and the idea machine."""

TEXTS: dict[str, tuple[str, str]] = {
    "usage.ask": ("/ask <wave> <question>", "/ask <vague> <question>"),
    "help.ask": (
        "ask a question about a wave",
        "poser une question sur une vague",
    ),
    "usage.answer": ("/answer <question> <text>", "/answer <question> <texte>"),
    "help.answer": (
        "answer a question (the asker gets it in private)",
        "répondre à une question (en privé à qui l'a posée)",
    ),
    "usage.review": ("/review <wave> <1-5> [text]", "/review <vague> <1-5> [texte]"),
    "help.review": (
        "rate a wave you bought in",
        "noter une vague où vous avez acheté",
    ),
    "usage.inspire": ("/inspire", "/inspire"),
    "help.inspire": (
        "the idea machine: a random object × material × use",
        "la machine à idées : un objet × une matière × un usage au hasard",
    ),
    "usage.helpers": ("/helpers [on|off]", "/helpers [on|off]"),
    "help.helpers": (
        "receive questions about categories you bought in",
        "recevoir les questions sur les catégories où vous avez acheté",
    ),
    "talk.question": (
        "❓ <b>Question #{id}</b> about wave #{wave} “{title}” from {name}:\n<i>{text}</i>",
        "❓ <b>Question n°{id}</b> sur la vague n°{wave} « {title} » de {name} :\n<i>{text}</i>",
    ),
    "talk.answer_hint": (
        "Know the answer? Send /answer {id} followed by it.",
        "Vous connaissez la réponse ? Envoyez /answer {id} suivi de celle-ci.",
    ),
    "talk.asked": (
        "❓ Question #{id} about wave #{wave} “{title}” is on its way to the moderators and "
        "past buyers. Answers will reach you in private.",
        "❓ La question n°{id} sur la vague n°{wave} « {title} » part vers les modérateurs et "
        "les anciens acheteurs. Les réponses vous arriveront en privé.",
    ),
    "talk.answered": (
        "💬 An answer to your question #{id} about wave #{wave} “{title}”:\n<i>{question}</i>",
        "💬 Une réponse à votre question n°{id} sur la vague n°{wave} « {title} » :\n"
        "<i>{question}</i>",
    ),
    "talk.answer_body": ("<b>{name}</b>: {text}", "<b>{name}</b> : {text}"),
    "talk.answer_sent": (
        "💬 Thanks! Your answer to question #{id} is on its way to the person who asked.",
        "💬 Merci ! Votre réponse à la question n°{id} part vers la personne qui l'a posée.",
    ),
    "talk.review_ask": (
        "⭐ Wave #{id} “{title}”: are you satisfied with it? Tap a rating, or send "
        "/review {id} <1-5> with a few words.",
        "⭐ Vague n°{id} « {title} » : en êtes-vous satisfait ? Touchez une note, ou envoyez "
        "/review {id} <1-5> avec quelques mots.",
    ),
    "talk.reviewed": (
        "⭐ Thanks! Your {rating}/5 for wave #{id} “{title}” is recorded.",
        "⭐ Merci ! Votre {rating}/5 pour la vague n°{id} « {title} » est enregistré.",
    ),
    "talk.review_updated": (
        "⭐ Your review of wave #{id} “{title}” is updated: {rating}/5.",
        "⭐ Votre avis sur la vague n°{id} « {title} » est mis à jour : {rating}/5.",
    ),
    "talk.card_questions": (
        "💬 Questions: {questions} · answers: {answers}",
        "💬 Questions : {questions} · réponses : {answers}",
    ),
    "talk.card_rating": (
        "⭐ {whole}.{tenth}/5 (reviews: {count})",
        "⭐ {whole},{tenth}/5 (avis : {count})",
    ),
    "talk.helpers_show": (
        "🙋 Questions about categories you bought in, in private: <b>{state}</b>.",
        "🙋 Questions sur les catégories où vous avez acheté, en privé : <b>{state}</b>.",
    ),
    "talk.helpers_state_on": ("on", "activées"),
    "talk.helpers_state_off": ("off", "désactivées"),
    "talk.helpers_on": (
        "🙋 You will receive questions about waves in categories where you confirmed a "
        "purchase. Answer them with /answer.",
        "🙋 Vous recevrez les questions sur les vagues des catégories où vous avez confirmé un "
        "achat. Répondez avec /answer.",
    ),
    "talk.helpers_off": (
        "🔕 You will no longer receive questions in private.",
        "🔕 Vous ne recevrez plus de questions en privé.",
    ),
    "button.helpers_on": ("🙋 Receive questions", "🙋 Recevoir les questions"),
    "button.helpers_off": ("🔕 No questions", "🔕 Pas de questions"),
    "button.rate": ("{n} ⭐", "{n} ⭐"),
    "inspire.title": ("{material} {object} for {use}", "{object} en {material} pour {use}"),
    "inspire.spark": (
        "🎲 What about… <b>{title}</b> (#{category})?",
        "🎲 Et pourquoi pas… <b>{title}</b> (#{category}) ?",
    ),
    "inspire.hint": (
        "Propose it as an idea for the community, or draw another one.",
        "Proposez-la comme idée à la communauté, ou tirez-en une autre.",
    ),
    "button.inspire_propose": ("💡 Propose this as an idea", "💡 Proposer cette idée"),
    "button.inspire_again": ("🎲 Another", "🎲 Une autre"),
    "error.question_empty": (
        "Write your question after the wave number: /ask 3 Is it dishwasher safe?",
        "Écrivez votre question après le numéro de vague : /ask 3 Ça passe au lave-vaisselle ?",
    ),
    "error.question_long": (
        "Your question is {length} characters long; please keep it to {max}.",
        "Votre question fait {length} caractères ; gardez-la sous {max}.",
    ),
    "error.question_closed": (
        "Questions about wave #{id} are closed (it is {status}).",
        "Les questions sur la vague n°{id} sont closes (état : {status}).",
    ),
    "error.too_many_questions": (
        "You already asked {max} questions about wave #{id}; wait for the answers.",
        "Vous avez déjà posé {max} questions sur la vague n°{id} ; attendez les réponses.",
    ),
    "error.answer_empty": (
        "Write your answer after the question number: /answer 12 Yes, it is.",
        "Écrivez votre réponse après le numéro de question : /answer 12 Oui.",
    ),
    "error.answer_long": (
        "Your answer is {length} characters long; please keep it to {max}.",
        "Votre réponse fait {length} caractères ; gardez-la sous {max}.",
    ),
    "error.question_not_found": ("There is no question #{id}.", "Il n'y a pas de question n°{id}."),
    "error.answer_own": (
        "Question #{id} is yours: others will answer it.",
        "La question n°{id} est la vôtre : d'autres y répondront.",
    ),
    "error.already_answered": (
        "You already answered question #{id}.",
        "Vous avez déjà répondu à la question n°{id}.",
    ),
    "error.review_long": (
        "Your review is {length} characters long; please keep it to {max}.",
        "Votre avis fait {length} caractères ; gardez-le sous {max}.",
    ),
    "error.bad_rating": (
        "“{value}” is not a rating: give a whole number from 1 to 5.",
        "« {value} » n'est pas une note : donnez un nombre entier de 1 à 5.",
    ),
    "error.review_not_yet": (
        "Wave #{id} is not finished: reviews open once it has succeeded.",
        "La vague n°{id} n'est pas terminée : les avis ouvrent une fois qu'elle a réussi.",
    ),
    "error.review_not_participant": (
        "Only participants who confirmed their purchase in wave #{id} can review it.",
        "Seuls les participants ayant confirmé leur achat dans la vague n°{id} peuvent la noter.",
    ),
}
