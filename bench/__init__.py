"""`make bench`: the product's speed, each figure a ratio against a reference measured in the same run."""
