"""Files -> typed frames: the data contract (schema), reading CSV/Excel/Parquet, validation, Dataset/load_dataset."""
