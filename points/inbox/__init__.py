"""Messages to residents: the inbox (a topic and its parameters, worded in the reader's language when read),
`notify` for any part of the domain to send one inside its own transaction, and an optional e-mail copy sent
only after that transaction commits, to residents who gave an address and opted in.
"""
