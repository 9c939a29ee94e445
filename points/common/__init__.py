"""What every concept leans on: refusals with a named code, the city's clock, role checks, spreadsheet-safe CSV and
safe image intake, everyday CO2e equivalents. Imports nothing else from points/.
"""
