"""Certificates residents download as PDF, each with a QR link to a public page that says whether it is genuine:
volunteer hours (from check-ins with a check-out, as 志愿汇 issues them), a year's carbon (CO₂e avoided and
points earned) and a gift to a public project.

`statements`: the figures a certificate states; `issuing`: a certificate row per statement (asking again gives
the same one); `codes`: the signed link, which names only the row and a signature over what it states;
`verification`: what the public page shows; `documents`: the PDF.
"""
