"""Messages to residents: the inbox (a topic and its parameters, worded in the reader's language when read),
`notify` for any part of the domain to send one inside its own transaction, and an optional e-mail copy for
residents who gave an address and opted in: queued in that transaction (`outbox`), sent later by `manage.py
send-mail` or the portal's sender thread (`sender`), so no page waits for a mail server.
"""
