"""llama.cpp's own HTTP server, from the prebuilt ``xllamacpp`` wheel, run as a child process.

``python -m <this module> --model FILE --port N …`` loads the model, serves the OpenAI-compatible
API on 127.0.0.1 and prints ``ready <url>`` on stdout once it answers; it exits at once (no
draining of a reply in progress) on SIGTERM or when its standard input closes, which is
how the parent says "stop" even when the parent is killed: the pipe closes with it.

A child process rather than the library in our own process: the model's 1–4 GB and its threads
stay out of the caller (a queue worker, a test run), and a stop is a process exit, which
llama.cpp cannot ignore while it is generating.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading


def _exit_now(*_: object) -> None:
    # os._exit: llama.cpp's threads may be mid-generation; nothing of ours needs flushing.
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--alias", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ctx", type=int, default=8192)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--poll", type=int, default=50, help="how hard idle threads spin for work, 0-100 (llama.cpp's --poll)")
    parser.add_argument("--state-dir", default=None, help="where slot states are saved and restored (llama.cpp's /slots API)")
    parser.add_argument("--draft-ngram", type=int, default=0, help="prompt-lookup speculative decoding: max draft tokens (0: off)")
    parser.add_argument("--draft-lookup", type=int, default=4, help="prompt-lookup speculative decoding: n-gram length to look up")
    args = parser.parse_args(argv)

    # SIGINT stays ignored (the parent set it so): on Ctrl-C the parent decides when we stop.
    signal.signal(signal.SIGTERM, _exit_now)

    import xllamacpp  # the native library loads only in this child

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = args.alias
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_ctx = args.ctx
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.cpuparams.poll = args.poll
    params.cpuparams_batch.poll = args.poll
    params.cache_prompt = True  # reuse the KV cache of the fixed prompt prefix across requests
    params.warmup = True
    params.endpoint_metrics = True
    if args.state_dir:
        # The fixed prompt's KV cache, saved at the end of one run and restored at the start of
        # the next (providers/embedded/prompt_state.py).
        params.slot_save_path = os.path.join(args.state_dir, "")  # llama.cpp appends the file name as is
        params.endpoint_slots = True
    if args.draft_ngram > 0:
        # Prompt lookup: the reply copies spans of the article, so the tokens that followed the
        # last few generated tokens in the prompt are a cheap draft, verified in one batch.
        params.speculative.types = [xllamacpp.common_speculative_type.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE]
        params.speculative.ngram_simple.size_n = args.draft_lookup
        params.speculative.ngram_simple.size_m = args.draft_ngram
    server = xllamacpp.Server(params)
    print(f"ready {server.listening_address}", flush=True)

    # The parent holds our stdin open; when it goes (normal stop or the parent died), so do we.
    def watch_stdin() -> None:
        try:
            while sys.stdin.buffer.read(1):
                pass
        finally:
            _exit_now()

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
