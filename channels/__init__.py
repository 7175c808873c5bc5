"""Input and output channels: the REST webhook of the website widget and the messaging
channels (Twilio SMS/WhatsApp, Telegram, Messenger) with verified webhooks.

Each messaging module subclasses Rasa 3.6's built-in channel so that:
* incoming webhooks are authenticated (403 otherwise) and malformed ones rejected (400),
* replies fit the channel (split under its length limit, buttons shown or numbered),
* the provider API's base URL can be changed, so tests never reach the network.

credentials.yml and credentials.channels.yml turn them on; see docs/channels.md.
"""
