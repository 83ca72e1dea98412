import type {CorpusDocument} from "../corpusDocument";

export const proseVersionControl: CorpusDocument = {
    name: "merging.md",
    kind: "prose",
    language: "markdown",
    text: String.raw`# How a three-way merge decides what to keep

When two people change the same project at the same time, a version control system has to
combine their work. The naive approach would compare the two finished versions line by line,
but that cannot tell whether a line was added by one person or deleted by the other. Both look
the same from the outside: one file has the line and the other does not.

A three-way merge solves this by looking further back. It finds the most recent version both
people started from, called the merge base, and compares each side with it separately. Now
every difference has a direction. If the base had a line and one side removed it while the
other left it alone, the removal wins. If one side added a function and the other side did not
touch that part of the file, the addition is kept. Changes that do not overlap are combined
automatically, and most merges finish without anyone noticing.

A conflict happens only when both sides changed the same region of the base in different ways.
The tool cannot know which change is right, so it stops and shows both, usually between marker
lines, and asks a person to decide. Good tools show the base version as well, because knowing
what the code looked like before either change often makes the right answer obvious. A
conflict is not an error; it is the system being honest about a decision it should not make.

Finding the merge base is a graph problem. History is not a straight line but a graph in which
each commit points to its parents. A merge commit has two parents. The base is a common
ancestor that is not itself an ancestor of another common ancestor, so it is as close to both
sides as possible. In long-lived projects with many merges there can be more than one such
candidate, and some systems merge those candidates first to build a virtual base.

The unit of comparison matters as well. Most tools compare lines, which works well for source
code written one statement per line and poorly for prose where a whole paragraph sits on one
line. Reformatting a file, for example changing the indentation everywhere, turns every line
into a change and makes conflicts with any concurrent edit almost certain. Teams that agree on
a formatter and run it automatically avoid a surprising number of painful merges.

Some changes merge cleanly and are still wrong. If one person renames a function and another
adds a new call to it under the old name, each change is fine on its own and the text combines
without conflict, yet the result does not compile. This is why a clean merge should still be
built and tested before it is trusted. The merge algorithm understands text, not meaning.

Rebasing is a different way to combine the same work. Instead of creating a merge commit, it
replays one side's commits on top of the other, one at a time, each as a small three-way merge.
The history ends up linear and easier to read, at the cost of rewriting commits that may
already have been shared. Which approach is better is mostly a matter of team habits; the
underlying comparison against a common base is the same.
`
};
