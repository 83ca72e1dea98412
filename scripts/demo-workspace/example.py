"""A small file to try QuantPilot's inline completions on: type below and watch the ghost text."""


def fibonacci(n: int) -> int:
    """Return the n-th Fibonacci number."""
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)


def mean(values: list[float]) -> float:
    
