"""复核决定: an inspector's confirm / dismiss of a finding, with a scope (this finding, this
URL, this rule on this site, this term everywhere), an expiry date and a reason, applied to
the stored findings of later rounds without a re-crawl."""
