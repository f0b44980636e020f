// Datasets: bundled benchmark data (placeholder until the readers land).
