"""(spec, data, settings) -> results, in worker processes: data, engine, pool, batches."""
