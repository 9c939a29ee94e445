"""The action catalogue: versioned actions with cited emission factors, the carbon math that turns a quantity into
grams and points, its administration, and its sources in the reader's language (wording).
"""
