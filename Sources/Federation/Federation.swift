// Federation: the domain of a federated study (placeholder until the engine lands).
