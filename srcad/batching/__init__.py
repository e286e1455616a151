"""vmap by source transformation: which values carry the batch axis, and the batching rules."""
