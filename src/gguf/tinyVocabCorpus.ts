/**
 * Text the tiny test vocabulary learns its merges from: a little code in the languages the e2e
 * tests type, and a little prose, so common fragments ("def", "return", "    ") become tokens.
 */
export const TINY_VOCAB_CORPUS = `
def fibonacci(n):
    """Return the n-th Fibonacci number."""
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)

class Stack:
    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)

    def pop(self):
        return self.items.pop()

for index in range(10):
    print(index, fibonacci(index))

export function sum(values: number[]): number {
    let total = 0;
    for (const value of values) {
        total += value;
    }
    return total;
}

const result = await fetch(url).then((response) => response.json());
if (result === undefined || result === null) {
    throw new Error("the request returned nothing");
}

The quick brown fox jumps over the lazy dog. A model that is measured before it is trusted
is a model that can be used with confidence. Small models run well on a laptop when they are
quantized to four bits, and the difference in quality is often small.
`;
