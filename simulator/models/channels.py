"""Delivery channels."""

from enum import StrEnum

__all__ = ["Channel"]


class Channel(StrEnum):
    """A channel a communication can be sent on."""

    EMAIL = "email"
    IN_APP_PUSH = "in_app_push"
    MOBILE_PUSH = "mobile_push"
