"""The SMS channel: keyword commands over the shared conversation, rendered as <Message>."""
