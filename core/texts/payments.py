"""Texts of payments: confirmation requests, reminders, withdrawals and the moderators' outlook."""

TEXTS: dict[str, tuple[str, str]] = {
    "help.withdraw": (
        "give up your place after a successful close (nothing to pay)",
        "renoncer à votre place après une clôture réussie (rien à payer)",
    ),
    "usage.withdraw": ("/withdraw <wave>", "/withdraw <vague>"),
    "button.pay": ("💳 Confirm", "💳 Confirmer"),
    "button.drop": ("↩️ Withdraw", "↩️ Me retirer"),
    "pay.ask": (
        "🏁 Wave #{id} “{title}” succeeded! Final price: <b>{price}</b> each, the same for "
        "everyone.",
        "🏁 La vague n°{id} « {title} » a réussi ! Prix final : <b>{price}</b> l'unité, le même "
        "pour tous.",
    ),
    "pay.ask_how": (
        "Please confirm (and pay) before {deadline}, or withdraw to free your place. /mine shows "
        "what you owe.",
        "Merci de confirmer (et payer) avant le {deadline}, ou de vous retirer pour libérer votre "
        "place. /mine indique ce que vous devez.",
    ),
    "pay.reminder": (
        "⏰ Reminder: wave #{id} “{title}” succeeded at {price} each. Please confirm before "
        "{deadline} ({left} left), or withdraw.",
        "⏰ Rappel : la vague n°{id} « {title} » a réussi à {price} l'unité. Merci de confirmer "
        "avant le {deadline} (reste {left}), ou de vous retirer.",
    ),
    "pay.expired": (
        "⌛ The confirmation time for wave #{id} “{title}” is over: your place was released.",
        "⌛ Le délai de confirmation de la vague n°{id} « {title} » est passé : votre place a été "
        "libérée.",
    ),
    "pay.withdrawn": (
        "↩️ You withdrew from wave #{id} “{title}”: your place is released, nothing to pay.",
        "↩️ Vous vous êtes retiré de la vague n°{id} « {title} » : votre place est libérée, rien "
        "à payer.",
    ),
    "pay.confirmed_total": (
        "You owe {total} ({qty} × {price}).",
        "Vous devez {total} ({qty} × {price}).",
    ),
    "pay.mine_row": (
        "💳 #{id} {title}: {qty} × {price} = <b>{total}</b> to confirm before {deadline} "
        "(/confirm {id} or /withdraw {id})",
        "💳 n°{id} {title} : {qty} × {price} = <b>{total}</b> à confirmer avant le {deadline} "
        "(/confirm {id} ou /withdraw {id})",
    ),
    "pay.mine_row_open": (
        "💳 #{id} {title}: {qty} × {price} = <b>{total}</b> to confirm (/confirm {id} or "
        "/withdraw {id})",
        "💳 n°{id} {title} : {qty} × {price} = <b>{total}</b> à confirmer (/confirm {id} ou "
        "/withdraw {id})",
    ),
    "button.pay_id": ("💳 Confirm #{id}", "💳 Confirmer n°{id}"),
    "button.drop_id": ("↩️ Withdraw #{id}", "↩️ Me retirer n°{id}"),
    "pay.result_completed": (
        "🏁 Completed: {units} units at {price} each; confirmations are closed.",
        "🏁 Terminée : {units} unités à {price} l'unité ; les confirmations sont closes.",
    ),
    "pay.outlook_head": (
        "🔒 <b>For moderators</b>: payments of wave #{id}, {units} units sold at {price}.",
        "🔒 <b>Pour les modérateurs</b> : paiements de la vague n°{id}, {units} unités vendues à "
        "{price}.",
    ),
    "pay.outlook_counts": (
        "Confirmed: {confirmed} ({confirmed_units} units) · awaiting: {awaiting} ({awaiting_units} "
        "units) · abandoned: {abandoned} ({abandoned_units} units)",
        "Confirmés : {confirmed} ({confirmed_units} unités) · en attente : {awaiting} "
        "({awaiting_units} unités) · abandons : {abandoned} ({abandoned_units} unités)",
    ),
    "pay.outlook_rate": (
        "Abandonment rate in #{category}: {rate}% (prior {prior}% weighing {weight} pledges, plus "
        "{decided} decided pledges).",
        "Taux d'abandon dans #{category} : {rate} % (a priori {prior} % pesant {weight} "
        "engagements, plus {decided} engagements tranchés).",
    ),
    "pay.outlook_expected": (
        "Expected to be paid: ≈ <b>{expected}</b> of {units} units.",
        "Paiements attendus : ≈ <b>{expected}</b> unités sur {units}.",
    ),
    "pay.outlook_due": (
        "Confirmation closes {deadline}.",
        "Les confirmations ferment le {deadline}.",
    ),
    "pay.outlook_closed": ("Confirmation is closed.", "Les confirmations sont closes."),
    "error.pay_still_open": (
        "Wave #{id} is still open: use /leave {id} to withdraw.",
        "La vague n°{id} est encore ouverte : utilisez /leave {id} pour vous retirer.",
    ),
    "error.pay_already_confirmed": (
        "You already confirmed wave #{id}. Thank you!",
        "Vous avez déjà confirmé la vague n°{id}. Merci !",
    ),
    "error.pay_released": (
        "Your place in wave #{id} was released (withdrawn or not confirmed in time).",
        "Votre place dans la vague n°{id} a été libérée (retrait ou confirmation hors délai).",
    ),
    "error.pay_too_late": (
        "The confirmation time for wave #{id} ended on {deadline}.",
        "Le délai de confirmation de la vague n°{id} a pris fin le {deadline}.",
    ),
}
