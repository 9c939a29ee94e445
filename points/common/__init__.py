"""What every concept leans on: refusals with a named code, the city's clock, role checks, spreadsheet-safe CSV and
safe image intake. Imports nothing else from points/.
"""
