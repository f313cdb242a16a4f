"""summit-extractor: grounded records of diplomatic meetings from news articles.

The pipeline, one module per stage: ``ingest`` → ``prompting`` → ``extract`` (``client``,
``retries``) → ``grounding`` / ``assemble`` → ``normalize`` → ``reconcile`` → emit (``cli``).
The records themselves live in the separate ``schemas`` package.
"""

__version__ = "0.1.0"
