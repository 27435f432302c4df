"""The support console: the agents' door (R22). Server-rendered pages under /console, signed-in
agents only, never behind Twilio's signature (and its sign-in never in front of a webhook)."""
