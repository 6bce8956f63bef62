"""The collector (I/O only, judges nothing): crawls the roster's sites with Scrapy, archives
every page as WARC and records the status of every link found.

Entry points: ``govinspect.collect.crawl.collect_sites`` (once per process) and
``python -m govinspect.collect`` / ``collect_sites_subprocess`` (a fresh process each time);
``govinspect.collect.store`` reads the output back into core types.
"""
