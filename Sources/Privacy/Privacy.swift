// Privacy: differential privacy (accountant, mechanisms, budget ledger) and secure aggregation. Filled in by the privacy issue.
