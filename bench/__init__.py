"""`make bench`: reply latency, memory, start-up, training time and NLU accuracy, next to a bare `rasa init` bot."""
