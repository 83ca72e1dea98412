import {metaNumber, metaString, type GgufHeader} from "../../gguf/ggufReader";

/**
 * Bytes of the K and V caches for `contextTokens` tokens, from the model's shape: per layer,
 * one K and one V vector of (key/value head size × KV heads) per token, at `bytesPerValue`
 * (2 for llama.cpp's default f16 cache). Undefined when the header lacks the shape.
 */
export function kvCacheBytes(header: GgufHeader, contextTokens: number, bytesPerValue = 2): number | undefined {
    const arch = metaString(header, "general.architecture");
    if (arch == null)
        return undefined;
    const layers = metaNumber(header, `${arch}.block_count`);
    const embedding = metaNumber(header, `${arch}.embedding_length`);
    const heads = metaNumber(header, `${arch}.attention.head_count`);
    const kvHeads = metaNumber(header, `${arch}.attention.head_count_kv`) ?? heads;
    if (layers == null || embedding == null || heads == null || kvHeads == null || heads === 0)
        return undefined;
    const keyLength = metaNumber(header, `${arch}.attention.key_length`) ?? embedding / heads;
    const valueLength = metaNumber(header, `${arch}.attention.value_length`) ?? embedding / heads;
    return layers * contextTokens * kvHeads * (keyLength + valueLength) * bytesPerValue;
}
