"""Who serves the model: the embedded llama.cpp server (``embedded/``), or any OpenAI-compatible URL."""
