"""What leaves the dashboard: statistical confidentiality (privacy rules, disclosure engine, publication),
descriptions and quotes, exports and the press kit."""
