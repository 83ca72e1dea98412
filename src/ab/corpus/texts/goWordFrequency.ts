import type {CorpusDocument} from "../corpusDocument";

export const goWordFrequency: CorpusDocument = {
    name: "wordfreq.go",
    kind: "code",
    language: "go",
    text: String.raw`// Command wordfreq counts how often each word appears in a set of text files and prints the
// most frequent ones. Files are read in parallel by a fixed pool of workers.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode"
)

type counts map[string]int

type result struct {
	path  string
	words counts
	err   error
}

func normalize(word string) string {
	word = strings.ToLower(word)
	return strings.TrimFunc(word, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func countWords(r io.Reader, minLength int) (counts, error) {
	words := make(counts)
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	scanner.Split(bufio.ScanWords)
	for scanner.Scan() {
		word := normalize(scanner.Text())
		if len([]rune(word)) < minLength {
			continue
		}
		words[word]++
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("reading words: %w", err)
	}
	return words, nil
}

func countFile(path string, minLength int) result {
	file, err := os.Open(path)
	if err != nil {
		return result{path: path, err: err}
	}
	defer file.Close()
	words, err := countWords(file, minLength)
	return result{path: path, words: words, err: err}
}

func worker(paths <-chan string, results chan<- result, minLength int, wg *sync.WaitGroup) {
	defer wg.Done()
	for path := range paths {
		results <- countFile(path, minLength)
	}
}

func merge(into counts, from counts) {
	for word, n := range from {
		into[word] += n
	}
}

type entry struct {
	word  string
	count int
}

func top(words counts, limit int) []entry {
	entries := make([]entry, 0, len(words))
	for word, n := range words {
		entries = append(entries, entry{word, n})
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].count != entries[j].count {
			return entries[i].count > entries[j].count
		}
		return entries[i].word < entries[j].word
	})
	if len(entries) > limit {
		entries = entries[:limit]
	}
	return entries
}

var errNoFiles = errors.New("no input files given")

func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("wordfreq", flag.ContinueOnError)
	limit := flags.Int("n", 20, "how many words to print")
	workers := flags.Int("workers", 4, "files read at the same time")
	minLength := flags.Int("min", 3, "ignore words shorter than this")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() == 0 {
		return errNoFiles
	}

	paths := make(chan string)
	results := make(chan result)
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go worker(paths, results, *minLength, &wg)
	}
	go func() {
		for _, path := range flags.Args() {
			paths <- path
		}
		close(paths)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	total := make(counts)
	failed := 0
	for r := range results {
		if r.err != nil {
			fmt.Fprintf(os.Stderr, "wordfreq: %s: %v\n", r.path, r.err)
			failed++
			continue
		}
		merge(total, r.words)
	}
	for rank, e := range top(total, *limit) {
		fmt.Fprintf(out, "%3d. %-20s %d\n", rank+1, e.word, e.count)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be read", failed, flags.NArg())
	}
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wordfreq:", err)
		os.Exit(1)
	}
}
`
};
