"""Pure counting on a Dataset: Filters, metrics, ESF Plus indicator counts, figures per place. No protection here."""
