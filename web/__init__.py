"""The web edge shared by the channels: dependencies, Twilio signature check, TwiML errors."""
