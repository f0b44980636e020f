// Compliance: tamper-evident audit trail, site policies and plan approval, compliance reports.
