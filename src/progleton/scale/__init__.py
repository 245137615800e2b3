"""Scale-out: backfilling from Common Crawl WARC archives on a Dask cluster (`backfill.py`)."""
