"""Switchboard's core: policy, persistence, services and the conversation.

Nothing in this package imports Flask or TwiML; the channels (``ivr/``, ``sms/``) are
thin layers over it.
"""
