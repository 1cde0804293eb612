"""One transaction's view of every store, as the core's Tx port asks for."""

from __future__ import annotations

from storage.tx_backers import BackerMixin
from storage.tx_cards import CardMixin
from storage.tx_checkout import CheckoutMixin
from storage.tx_creator import CreatorMixin
from storage.tx_digest import DigestMixin
from storage.tx_dispatch import DispatchMixin
from storage.tx_dm_channels import DirectChannelMixin
from storage.tx_fanout import FanoutMixin
from storage.tx_follows import FollowMixin
from storage.tx_fulfilment import FulfilmentMixin
from storage.tx_ideas import IdeaMixin
from storage.tx_identity import IdentityMixin
from storage.tx_inbox import InboxMixin
from storage.tx_ledger import LedgerMixin
from storage.tx_members import MemberMixin
from storage.tx_moderation import ModerationMixin
from storage.tx_outbox import OutboxMixin
from storage.tx_payments import PaymentMixin
from storage.tx_pledges import PledgeMixin
from storage.tx_privacy import PrivacyMixin
from storage.tx_public import PublicMixin
from storage.tx_retention import RetentionMixin
from storage.tx_stats import StatsMixin
from storage.tx_supply import SupplyMixin
from storage.tx_talk import TalkMixin
from storage.tx_waves import WaveMixin


class SqlTx(
    MemberMixin,
    IdeaMixin,
    WaveMixin,
    PledgeMixin,
    OutboxMixin,
    FanoutMixin,
    DispatchMixin,
    FollowMixin,
    DigestMixin,
    CardMixin,
    InboxMixin,
    IdentityMixin,
    PaymentMixin,
    LedgerMixin,
    CheckoutMixin,
    TalkMixin,
    StatsMixin,
    ModerationMixin,
    BackerMixin,
    DirectChannelMixin,
    RetentionMixin,
    FulfilmentMixin,
    PrivacyMixin,
    PublicMixin,
    SupplyMixin,
    CreatorMixin,
):
    """core.ports.Tx bound to one connection and one transaction."""
