"""The App Store door: Apple's Server Notifications V2 in (``POST /appstore/notifications``,
JSON, verified with Apple's library, never with Twilio's signature), the ``switchboard
appstore`` commands, and the words of the receipts Apple's changes send (R17)."""
