"""Fine-tuning tasks: readers of the standard data formats, span decoding, metrics."""
