/** One text of the built-in A/B corpus. All of it was written for QuantPilot. */
export interface CorpusDocument {
    /** Shown in notes and used as a stable id. */
    readonly name: string;
    /** Code documents also give the fill-in-the-middle task its held-out lines. */
    readonly kind: "code" | "prose";
    readonly language: string;
    readonly text: string;
}
