"""Environmental problems residents report on the map (litter on a beach, dumping, a full bin, a blocked trail,
polluted water): the kinds, statuses and limits (rules), filing a report or saying "same problem" to one within
50 m (filing), the admins' triage that credits a confirmed report once and tells those who reported it (triage),
and what each reader may see of them: the public map without personal data, a reporter's trail, the queue
(views).
"""
