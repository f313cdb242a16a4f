"""The worker: articles from a queue, extractions into the event store, results out.

Redis Streams (a consumer group) and RabbitMQ (a durable quorum queue) sit behind one small
``Broker`` interface of ours (``broker.py``), written on redis-py's asyncio client and aio-pika.

Why not FastStream, the first candidate: read in its source (0.7.8), its Redis stream subscriber
either reads new entries (``XREADGROUP``) or, when ``min_idle_time`` is set, *only* runs
``XAUTOCLAIM`` (one entry per call) and never reads new ones, so taking new work and reclaiming a
dead worker's needs two subscribers whose in-flight work cannot share one bound; the single-call
alternative (``XREADGROUP … CLAIM``) needs Redis 8.4, and this machine runs 7.0. Its group is
created at ``$`` by default (messages enqueued before the first worker would be skipped), its
Redis ``nack`` leaves the entry pending until a reclaim, and neither retry-with-a-count nor
dead-lettering is provided for streams. What is left to write is a few commands per operation,
each in one atomic ``MULTI``; the semantics are proved by tests against the real servers.
"""
