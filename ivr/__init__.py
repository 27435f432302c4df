"""The voice channel: IVR menus over the shared conversation, rendered as TwiML."""
