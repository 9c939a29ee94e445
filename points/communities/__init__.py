"""The city's communities (社区) within its districts, as configuration (assets/communities.json, the city's list to
complete): loading and checking the list, and refusing a community that is not in the chosen district. What a
community adds up to lives with the other city figures (points.reports.open_data), and the reports its page
shows with them too (points.reports.community_reports: the reports its residents filed while they lived there)."""
