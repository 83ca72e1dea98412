/** The file is not a readable GGUF; the message says why in words a person understands. */
export class GgufFormatError extends Error {
    override readonly name = "GgufFormatError";
}
